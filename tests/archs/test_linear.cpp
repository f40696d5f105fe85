// The linear arch: TF-IDF n-gram features against hand-computed values and a fixed hash, the dual
// coordinate descent against known optima, brute force and the primal's finite differences, the
// temperature fit, the network's scores against the explicit formula, and a model trained on the
// sample data: round trip through the model file, reproducible bit for bit, whatever the threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/model/classifier.hpp"
#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/training/data_split.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/nn/tfidf_ngrams.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/linear.hpp"
#include "newsclf/text/records.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

std::vector<FeatureCount> counted(const TfidfNgrams& ngrams, const std::vector<std::uint32_t>& tokens) {
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> out;
    ngrams.count({tokens.data(), tokens.size()}, scratch, out);
    return out;
}

bool same(const std::vector<FeatureCount>& a, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].index != b[i].first || a[i].count != b[i].second) return false;
    return true;
}

SparseMatrix dense_rows(const std::vector<std::vector<float>>& rows) {
    SparseMatrix x;
    for (const auto& row : rows) {
        for (std::size_t j = 0; j < row.size(); ++j)
            if (row[j] != 0) x.entries.push_back({static_cast<std::uint32_t>(j), row[j]});
        x.offsets.push_back(x.entries.size());
    }
    return x;
}

// A small problem in two features that no line separates: each side has a point on the other's.
struct Problem {
    SparseMatrix x = dense_rows({{1.0f, 0.0f}, {0.8f, 0.3f}, {0.6f, 0.6f}, {0.0f, 1.0f}, {0.2f, 0.9f}, {0.55f, 0.5f}, {0.7f, 0.65f}});
    std::vector<std::int8_t> y = {1, 1, 1, -1, -1, -1, 1};
};

SolverSettings tight(LinearLoss loss, double c) {
    SolverSettings s;
    s.loss = loss;
    s.c = c;
    s.tolerance = 1e-6;
    s.max_passes = 100000;
    s.seed = 5;
    return s;
}

double objective(const Problem& p, double w0, double w1, double b, LinearLoss loss, double c) {
    return primal_objective(p.x, p.y, {static_cast<float>(w0), static_cast<float>(w1)}, b, loss, c);
}

// The primal's minimum by brute force: a grid over (w0, w1, b), then finer grids around the best.
std::vector<double> brute_force_minimum(const Problem& p, LinearLoss loss, double c) {
    auto f = [&](double w0, double w1, double b) {
        double sum = 0.5 * (w0 * w0 + w1 * w1 + b * b);
        for (std::size_t i = 0; i < p.y.size(); ++i) {
            double dot = b;
            for (std::uint64_t k = p.x.offsets[i]; k < p.x.offsets[i + 1]; ++k)
                dot += (p.x.entries[k].index == 0 ? w0 : w1) * p.x.entries[k].value;
            const double m = p.y[i] * dot;
            sum += c * (loss == LinearLoss::squared_hinge ? std::pow(std::max(0.0, 1 - m), 2) : std::log1p(std::exp(-m)));
        }
        return sum;
    };
    std::vector<double> best = {0, 0, 0};
    double step = 0.05, span = 60;
    double best_value = f(0, 0, 0);
    for (int round = 0; round < 7; ++round) {
        const std::vector<double> centre = best;
        for (double i = -span; i <= span; ++i)
            for (double j = -span; j <= span; ++j)
                for (double k = -span; k <= span; ++k) {
                    const double v = f(centre[0] + i * step, centre[1] + j * step, centre[2] + k * step);
                    if (v < best_value) {
                        best_value = v;
                        best = {centre[0] + i * step, centre[1] + j * step, centre[2] + k * step};
                    }
                }
        step /= 10;
        span = 20;
    }
    return best;
}

// A corpus of the bundled sample, every word in the vocabulary.
TokenStream sample_stream() {
    CorpusBuilder builder(NormalizerSettings{}, 0, std::nullopt);
    const std::string path = source_path("testdata/news.sample.tsv");
    const InputBytes bytes = read_bytes(path);
    RecordReadOptions options;
    read_records(bytes, path, options, [&](NewsRecord&& r) { builder.add(r); });
    return builder.finish();
}

Model train_sample(const TokenStream& ts, const Settings& extra) {
    Settings settings = {{"arch", "linear"}, {"buckets", "65536"}, {"validation_split", "0.2"}};
    settings.insert(settings.end(), extra.begin(), extra.end());
    Model m;
    m.options = fit_options(settings);
    m.normalizer = ts.info.normalizer;
    m.vocabulary = ts.info.vocabulary;
    m.max_words = ts.info.max_words;
    const DataSplit split = split_rows(ts.corpus, m.options.split_by, m.options.validation_split, m.options.seed);
    TrainingData data{ts.corpus, split, nullptr, {}};
    const auto history = architecture("linear").train(m, data);
    REQUIRE(history.size() == 1);
    CHECK(history[0].validation.rows == split.validation.size());
    CHECK(history[0].validation.accuracy > 0.8);
    CHECK(history[0].train.accuracy > history[0].validation.accuracy);
    round_to_storage(m);
    m.self_tests = Classifier(m).run_self_tests();
    return m;
}

}  // namespace

TEST_CASE("n-gram features: token ids, then hashed n-grams counted per headline") {
    const TfidfNgrams ngrams(5, 2, 7);  // features 1..5 are words, 6..12 buckets
    CHECK(ngrams.features() == 13);
    // FNV-1a 64 of the ids' little-endian bytes: fixed values, so that models keep their meaning.
    const std::uint32_t one_two[] = {1, 2}, one_two_three[] = {1, 2, 3};
    CHECK(ngram_hash(one_two, 0) == 14695981039346656037ull);
    CHECK(ngram_hash(one_two, 2) == 14538333428393601222ull);
    CHECK(ngram_hash(one_two_three, 3) == 18239313798490686357ull);
    // 3 1 3 2: words 1, 2 and 3 (twice); bigrams 3 1 -> 6 + h % 7 = 12, 1 3 -> 7, 3 2 -> 12 (a collision).
    CHECK(same(counted(ngrams, {3, 1, 3, 2}), {{1, 1}, {2, 1}, {3, 2}, {7, 1}, {12, 2}}));
    // Unknown words (0, above the vocabulary) are no feature and no n-gram spans them.
    CHECK(same(counted(ngrams, {3, 0, 1, 9, 3, 2}), {{1, 1}, {2, 1}, {3, 2}, {12, 1}}));
    CHECK(counted(ngrams, {}).empty());
    CHECK(counted(ngrams, {0, 6}).empty());
    // Trigrams extend the bigram's hash.
    const TfidfNgrams three(5, 3, 1000);
    const auto with_trigram = counted(three, {1, 2, 3});
    REQUIRE(with_trigram.size() == 6);
    std::vector<std::uint32_t> expected = {1, 2, 3};
    for (const std::uint32_t* ids : {one_two_three, one_two_three + 1})
        expected.push_back(static_cast<std::uint32_t>(6 + ngram_hash(ids, 2) % 1000));
    expected.push_back(static_cast<std::uint32_t>(6 + ngram_hash(one_two_three, 3) % 1000));
    std::sort(expected.begin(), expected.end());
    for (std::size_t i = 0; i < 6; ++i) CHECK(with_trigram[i].index == expected[i]);
    // ngrams 1: words only.
    CHECK(same(counted(TfidfNgrams(5, 1, 7), {3, 1, 3}), {{1, 1}, {3, 2}}));
    CHECK_THROWS_AS(TfidfNgrams(5, 0, 7), UsageError);
}

TEST_CASE("TF-IDF values: (1 + ln tf) idf, L2-normalised; smooth idf as scikit-learn's") {
    CHECK(smooth_idf(1, 4) == doctest::Approx(std::log(5.0 / 2.0) + 1));
    CHECK(smooth_idf(4, 4) == doctest::Approx(1.0));
    CHECK(smooth_idf(0, 4) == 0.0f);
    std::vector<float> idf(13, 1.0f);
    idf[2] = 2.0f;
    idf[3] = 1.5f;
    idf[7] = 3.0f;
    idf[12] = 0.5f;
    const std::vector<FeatureCount> counts = {{1, 1}, {2, 1}, {3, 2}, {7, 1}, {12, 2}};
    std::vector<double> raw = {1.0, 2.0, (1 + std::log(2.0)) * 1.5, 3.0, (1 + std::log(2.0)) * 0.5};
    double norm = 0;
    for (double v : raw) norm += v * v;
    std::vector<float> values(counts.size());
    TfidfNgrams::values(counts.data(), counts.size(), idf.data(), values.data());
    for (std::size_t i = 0; i < raw.size(); ++i) CHECK(values[i] == doctest::Approx(raw[i] / std::sqrt(norm)).epsilon(1e-6));
    // A feature of idf 0 (unseen in training) counts for nothing, not even in the norm.
    idf[7] = 0.0f;
    TfidfNgrams::values(counts.data(), counts.size(), idf.data(), values.data());
    CHECK(values[3] == 0.0f);
    CHECK(values[0] == doctest::Approx(1.0 / std::sqrt(norm - 9.0)).epsilon(1e-6));
    // Nothing known: all zeros, no division by zero.
    std::fill(idf.begin(), idf.end(), 0.0f);
    TfidfNgrams::values(counts.data(), counts.size(), idf.data(), values.data());
    for (float v : values) CHECK(v == 0.0f);
}

TEST_CASE("the solver finds the optimum of a problem solved by hand") {
    // x = +1 (y = +1) and x = -1 (y = -1): by symmetry b = 0, and the primal's derivative in w
    // is w - 4c(1 - w) for the squared hinge, w - 2c / (1 + e^w) for the logistic loss.
    const SparseMatrix x = dense_rows({{1.0f}, {-1.0f}});
    const std::vector<std::int8_t> y = {1, -1};
    for (double c : {0.1, 1.0, 3.0}) {
        CAPTURE(c);
        BinarySolution s = solve_binary(x, 1, y, tight(LinearLoss::squared_hinge, c));
        CHECK(s.converged);
        CHECK(s.weights[0] == doctest::Approx(4 * c / (1 + 4 * c)).epsilon(1e-5));
        CHECK(std::fabs(s.bias) < 1e-5);
        s = solve_binary(x, 1, y, tight(LinearLoss::logistic, c));
        CHECK(s.converged);
        double lo = 0, hi = 2 * c;  // w - 2c / (1 + e^w) grows with w
        for (int i = 0; i < 100; ++i) ((lo + hi) / 2 - 2 * c / (1 + std::exp((lo + hi) / 2)) > 0 ? hi : lo) = (lo + hi) / 2;
        CHECK(s.weights[0] == doctest::Approx(lo).epsilon(1e-5));
        CHECK(std::fabs(s.bias) < 1e-5);
    }
}

TEST_CASE("the solver matches a brute-force minimum, where the primal's finite differences vanish") {
    const Problem p;
    for (LinearLoss loss : {LinearLoss::squared_hinge, LinearLoss::logistic}) {
        for (double c : {0.5, 2.0}) {
            CAPTURE(static_cast<int>(loss));
            CAPTURE(c);
            const BinarySolution s = solve_binary(p.x, 2, p.y, tight(loss, c));
            CHECK(s.converged);
            const std::vector<double> best = brute_force_minimum(p, loss, c);
            CHECK(s.weights[0] == doctest::Approx(best[0]).epsilon(1e-4));
            CHECK(s.weights[1] == doctest::Approx(best[1]).epsilon(1e-4));
            CHECK(s.bias == doctest::Approx(best[2]).epsilon(1e-4));
            const double at_solution = objective(p, s.weights[0], s.weights[1], s.bias, loss, c);
            CHECK(at_solution <= objective(p, best[0], best[1], best[2], loss, c) + 1e-6);
            // Central differences of the primal at the solution: its gradient is 0 there.
            const double h = 1e-3;
            std::vector<double> point = {s.weights[0], s.weights[1], s.bias};
            for (std::size_t i = 0; i < 3; ++i) {
                std::vector<double> up = point, down = point;
                up[i] += h;
                down[i] -= h;
                const double slope = (objective(p, up[0], up[1], up[2], loss, c) - objective(p, down[0], down[1], down[2], loss, c)) / (2 * h);
                CHECK(std::fabs(slope) < 1e-3);
            }
            // A pass limit stops it early and says so.
            SolverSettings one = tight(loss, c);
            one.max_passes = 1;
            const BinarySolution early = solve_binary(p.x, 2, p.y, one);
            CHECK(early.passes == 1);
            CHECK_FALSE(early.converged);
            CHECK(objective(p, early.weights[0], early.weights[1], early.bias, loss, c) >= at_solution - 1e-9);
        }
    }
    CHECK_THROWS_AS(solve_binary(p.x, 1, p.y, tight(LinearLoss::squared_hinge, 1)), Error);  // feature 1 beyond the weights
    CHECK_THROWS_AS(solve_binary(p.x, 2, {1, -1}, tight(LinearLoss::squared_hinge, 1)), Error);
}

TEST_CASE("one-vs-rest: each class's problem as if alone, the same whatever the threads") {
    // Rows of 4 classes, class c strongest on feature c, with some overlap.
    std::vector<std::vector<float>> dense;
    std::vector<std::int8_t> labels;
    PythonRandom rng(3);
    for (int i = 0; i < 200; ++i) {
        const int label = i % 4;
        std::vector<float> row(6, 0.0f);
        row[label] = 1.0f;
        row[4 + rng.randbelow(2)] = static_cast<float>(rng.random());
        row[rng.randbelow(4)] += 0.5f;
        dense.push_back(row);
        labels.push_back(static_cast<std::int8_t>(label));
    }
    const SparseMatrix x = dense_rows(dense);
    for (LinearLoss loss : {LinearLoss::squared_hinge, LinearLoss::logistic}) {
        SolverSettings s = tight(loss, 1.0);
        s.tolerance = loss == LinearLoss::squared_hinge ? 1e-6 : 1e-4;
        const auto one = solve_one_vs_rest(x, 6, labels, 4, s, 1);
        const auto two = solve_one_vs_rest(x, 6, labels, 4, s, 2);
        const auto three = solve_one_vs_rest(x, 6, labels, 4, s, 3);
        REQUIRE(one.size() == 4);
        for (std::size_t c = 0; c < 4; ++c) {
            CAPTURE(c);
            CHECK(one[c].weights == two[c].weights);
            CHECK(one[c].weights == three[c].weights);
            CHECK(one[c].bias == two[c].bias);
            std::vector<std::int8_t> y(labels.size());
            for (std::size_t i = 0; i < y.size(); ++i) y[i] = labels[i] == static_cast<std::int8_t>(c) ? 1 : -1;
            const BinarySolution alone = solve_binary(x, 6, y, s);
            CHECK(one[c].converged);
            CHECK(primal_objective(x, y, one[c].weights, one[c].bias, loss, 1.0) ==
                  doctest::Approx(primal_objective(x, y, alone.weights, alone.bias, loss, 1.0)).epsilon(1e-5));
            for (std::size_t j = 0; j < 6; ++j) CHECK(one[c].weights[j] == doctest::Approx(alone.weights[j]).epsilon(1e-3));
        }
    }
}

TEST_CASE("the temperature minimises the mean cross-entropy of softmax(T z)") {
    // Two rows of the same scores (1, 0, 0, 0), labelled 0 and 1: the mean loss is
    // ln(e^T + 3) - T / 2, least where e^T = 3.
    const std::vector<float> scores = {1, 0, 0, 0, 1, 0, 0, 0};
    const std::vector<std::int8_t> labels = {0, 1};
    CHECK(fit_temperature(scores.data(), labels.data(), 2, 4) == doctest::Approx(std::log(3.0)).epsilon(1e-6));
    // A random case: the derivative (central differences of the mean loss) is 0 at the result.
    PythonRandom rng(11);
    std::vector<float> z(400 * 4);
    std::vector<std::int8_t> y(400);
    for (std::size_t r = 0; r < 400; ++r) {
        y[r] = static_cast<std::int8_t>(rng.randbelow(4));
        for (std::size_t c = 0; c < 4; ++c) z[r * 4 + c] = static_cast<float>(rng.random() - 0.5 + (c == static_cast<std::size_t>(y[r]) ? 0.4 : 0.0));
    }
    y[7] = -1;  // unlabelled: ignored
    auto loss = [&](double t) {
        double sum = 0;
        for (std::size_t r = 0; r < 400; ++r) {
            if (y[r] < 0) continue;
            double total = 0;
            for (std::size_t c = 0; c < 4; ++c) total += std::exp(t * z[r * 4 + c]);
            sum += std::log(total) - t * z[r * 4 + static_cast<std::size_t>(y[r])];
        }
        return sum;
    };
    const double t = fit_temperature(z.data(), y.data(), 400, 4);
    CHECK(t > 1.0);
    CHECK(std::fabs((loss(t + 1e-3) - loss(t - 1e-3)) / 2e-3) < 1e-3);
    CHECK(loss(t) < loss(t * 1.1));
    CHECK(loss(t) < loss(t / 1.1));
    // Every row right with a margin: sharper is always better, until the loss's slope is lost in
    // rounding (e^-T below 1e-16); every row wrong: flatter, down to the bound.
    const std::vector<std::int8_t> right = {0, 0}, wrong = {1, 1};
    CHECK(fit_temperature(scores.data(), right.data(), 2, 4) > 30);
    CHECK(fit_temperature(scores.data(), wrong.data(), 2, 4) == doctest::Approx(1e-3));
}

TEST_CASE("LinearNetwork: blocks, and decision values w . tfidf(x) + b with softmax(T z) probabilities") {
    LinearShape shape;
    shape.vocabulary = 5;
    shape.ngrams = 2;
    shape.buckets = 7;
    const LinearNetwork network(shape);
    const auto blocks = network.parameter_blocks();
    REQUIRE(blocks.size() == 4);
    CHECK(blocks[0].name == "weights");
    CHECK(blocks[0].shape == std::vector<std::size_t>{13, 4});
    CHECK(blocks[0].storage == Storage::f16);
    CHECK(blocks[1].name == "bias");
    CHECK(blocks[1].shape == std::vector<std::size_t>{4});
    CHECK(blocks[2].name == "idf");
    CHECK(blocks[2].shape == std::vector<std::size_t>{13});
    CHECK(blocks[2].storage == Storage::f16);
    CHECK(blocks[3].name == "temperature");
    CHECK(network.parameter_count() == 13 * 4 + 4 + 13 + 1);

    std::vector<float> params(network.parameter_count());
    for (std::size_t i = 0; i < params.size(); ++i) params[i] = std::sin(static_cast<float>(i) * 0.7f);
    float* idf = params.data() + network.idf_offset();
    for (std::size_t j = 0; j < 13; ++j) idf[j] = j % 5 == 4 ? 0.0f : 1.0f + 0.25f * static_cast<float>(j);
    params[network.temperature_offset()] = 1.7f;
    const std::vector<std::vector<std::uint32_t>> headlines = {{3, 1, 3, 2}, {}, {4}, {5, 5, 5, 1}, {2, 0, 9, 1}};
    TokenBatch batch;
    for (const auto& h : headlines) batch.push_back({h.data(), h.size()});
    std::vector<float> z(batch.size() * 4), p(batch.size() * 4);
    network.decision_values(params.data(), batch, z.data());
    network.predict(params.data(), batch, p.data());
    for (std::size_t b = 0; b < headlines.size(); ++b) {
        CAPTURE(b);
        const auto counts = counted(network.ngrams(), headlines[b]);
        std::vector<float> values(counts.size());
        TfidfNgrams::values(counts.data(), counts.size(), idf, values.data());
        double total = 0, expected_p[4];
        for (std::size_t c = 0; c < 4; ++c) {
            double s = params[network.bias_offset() + c];
            for (std::size_t k = 0; k < counts.size(); ++k) s += values[k] * params[counts[k].index * 4 + c];
            CHECK(z[b * 4 + c] == doctest::Approx(s).epsilon(1e-5));
            total += expected_p[c] = std::exp(1.7 * s);
        }
        for (std::size_t c = 0; c < 4; ++c) CHECK(p[b * 4 + c] == doctest::Approx(expected_p[c] / total).epsilon(1e-5));
    }
}

TEST_CASE("a linear model trained on the sample: file round trip, same predictions, reproducible bit for bit") {
    const TokenStream ts = sample_stream();
    const Model model = train_sample(ts, {{"threads", "1"}});
    const std::string bytes = model_bytes(model);
    const Model again = parse_model(bytes, "linear.model");
    CHECK(again.options.arch == "linear");
    CHECK(again.parameters == model.parameters);
    CHECK(model_bytes(again) == bytes);
    const Classifier before(model), after(again);
    after.check_self_tests("linear.model");
    const std::vector<std::string> titles = {"Fed raises interest rates as inflation climbs", "Apple unveils a new iPhone",
                                             "Ebola outbreak spreads in West Africa", "Kim Kardashian wedding photos",
                                             "", "zzz unknown words only"};
    const auto p = before.classify(titles), q = after.classify(titles);
    for (std::size_t i = 0; i < titles.size(); ++i) {
        CAPTURE(titles[i]);
        double sum = 0;
        for (std::size_t c = 0; c < 4; ++c) {
            CHECK(p[i][c] == q[i][c]);
            sum += p[i][c];
        }
        CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
    }
    // The topics come out right.
    auto best = [](const Probabilities& x) { return std::max_element(x.begin(), x.end()) - x.begin(); };
    CHECK(best(p[0]) == 0);
    CHECK(best(p[1]) == 1);
    CHECK(best(p[2]) == 3);
    CHECK(best(p[3]) == 2);
    // The f16 blocks hold values a half can: the file keeps them exactly.
    const LinearNetwork network({model.vocabulary.size(), 2, 65536, 4});
    for (std::size_t i = 0; i < network.features() * 4; i += 97)
        CHECK(model.parameters[i] == round_to_half(model.parameters[i]));

    // Same inputs, same file; another thread count, the same parameters; another seed, others.
    CHECK(model_bytes(train_sample(ts, {{"threads", "1"}})) == bytes);
    CHECK(train_sample(ts, {{"threads", "2"}}).parameters == model.parameters);
    CHECK(train_sample(ts, {{"threads", "1"}, {"seed", "7"}}).parameters != model.parameters);
}

TEST_CASE("linear hyperparameters: defaults of the arch, checked values") {
    const FitOptions o = fit_options({{"arch", "linear"}});
    CHECK(o.max_words == 0);
    CHECK(o.ngrams == 2);
    CHECK(o.validation_split == 0.0);
    CHECK(o.loss == "squared_hinge");
    CHECK(o.c > 0);
    CHECK(message_of<UsageError>([] { fit_options({{"arch", "linear"}, {"c", "0"}}); }).find("c") != std::string::npos);
    CHECK_THROWS_AS(fit_options({{"arch", "linear"}, {"loss", "hinge"}}), UsageError);
    CHECK_THROWS_AS(fit_options({{"arch", "linear"}, {"tolerance", "-1"}}), UsageError);
    CHECK(fit_options({{"arch", "linear"}, {"loss", "logistic"}, {"c", "10"}}).c == 10.0);
}
