// The bag arch: the forward pass against an explicit computation, the SGD step against central
// finite differences of the per-headline loss, initialisation, determinism with one thread, and the model file round trip.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/model/classifier.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/training/fit_options.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/bag.hpp"
#include "newsclf/training/trainer.hpp"
#include "test_support.hpp"

using namespace newsclf;
using newsclf::test::expected_bucket;

namespace {

struct Headlines {
    std::vector<std::vector<std::uint32_t>> tokens = {
        {1, 2, 5},
        {4, 6, 7, 8, 10, 11, 12},
        {14, 13},
        {3, 3, 9},  // a word twice
        {7},
        {},
        {11, 1, 14, 5, 7, 13, 2, 6, 3},
    };
    std::vector<int> labels = {0, 1, 2, 3, 1, 2, 0};
    TokenSpan span(std::size_t i) const { return {tokens[i].data(), tokens[i].size()}; }
    TokenBatch batch() const {
        TokenBatch b;
        for (std::size_t i = 0; i < tokens.size(); ++i) b.push_back(span(i));
        return b;
    }
};

BagShape small_shape(std::size_t hidden, std::size_t ngrams = 3) {
    BagShape s;
    s.words = 14;
    s.dim = 6;
    s.buckets = 11;
    s.ngram_dim = 3;
    s.ngrams = ngrams;
    s.hidden = hidden;
    return s;
}

// Every parameter random, the output layer too (it starts at zero in training).
std::vector<float> random_parameters(const BagNetwork& network, std::uint64_t seed) {
    std::vector<float> params(network.parameter_count());
    PythonRandom rng(seed);
    for (auto& p : params) p = static_cast<float>(rng.random() - 0.5);
    return params;
}

// The forward pass in double precision, from the blocks by name.
std::vector<double> reference_probabilities(const BagNetwork& network, const std::vector<float>& params,
                                            const std::vector<std::uint32_t>& tokens) {
    const BagShape& s = network.shape();
    auto block = [&](const std::string& name) {
        for (const auto& b : network.parameter_blocks())
            if (b.name == name) return params.data() + b.offset;
        FAIL("no block " << name);
        return params.data();
    };
    auto has_block = [&](const std::string& name) {
        for (const auto& b : network.parameter_blocks())
            if (b.name == name) return true;
        return false;
    };
    // Without n-gram buckets the bag is the word vectors alone.
    const std::size_t width = s.dim + (has_block("ngram_vectors") ? s.ngram_dim : 0);
    std::vector<double> x(width, 0.0);
    std::size_t count = 0;
    for (std::uint32_t t : tokens) {
        for (std::size_t d = 0; d < s.dim; ++d) x[d] += block("word_vectors")[t * s.dim + d];
        ++count;
    }
    std::vector<std::uint64_t> padded = {0};
    padded.insert(padded.end(), tokens.begin(), tokens.end());
    padded.push_back(0);
    if (!tokens.empty())
        for (std::size_t i = 0; i < padded.size(); ++i)
            for (std::size_t n = 2; n <= s.ngrams && i + n <= padded.size(); ++n) {
                std::uint32_t r = expected_bucket({padded.begin() + i, padded.begin() + i + n}, s.buckets);
                for (std::size_t d = 0; d < s.ngram_dim; ++d) x[s.dim + d] += block("ngram_vectors")[r * s.ngram_dim + d];
                ++count;
            }
    if (count > 0)
        for (auto& v : x) v /= static_cast<double>(count);
    if (s.hidden > 0) {
        std::vector<double> a(s.hidden);
        for (std::size_t u = 0; u < s.hidden; ++u) {
            a[u] = block("hidden.bias")[u];
            for (std::size_t i = 0; i < width; ++i) a[u] += x[i] * block("hidden.kernel")[i * s.hidden + u];
            a[u] = std::max(a[u], 0.0);
        }
        x = a;
    }
    std::vector<double> z(4);
    double m = -1e300, sum = 0;
    for (std::size_t c = 0; c < 4; ++c) {
        z[c] = block("output.bias")[c];
        for (std::size_t i = 0; i < x.size(); ++i) z[c] += x[i] * block("output.kernel")[i * 4 + c];
        m = std::max(m, z[c]);
    }
    for (auto& v : z) sum += (v = std::exp(v - m));
    for (auto& v : z) v /= sum;
    return z;
}

// Training data: the label is told by one of four "topic" words among noise words, so that a few
// epochs learn it.
TokenCorpus toy_corpus(std::size_t rows, std::uint64_t seed) {
    TokenCorpus corpus;
    PythonRandom rng(seed);
    for (std::size_t i = 0; i < rows; ++i) {
        const int label = static_cast<int>(rng.randbelow(4));
        std::vector<std::uint32_t> ids;
        const std::size_t length = 2 + rng.randbelow(6);
        for (std::size_t k = 0; k < length; ++k) ids.push_back(static_cast<std::uint32_t>(5 + rng.randbelow(30)));
        ids.insert(ids.begin() + static_cast<std::ptrdiff_t>(rng.randbelow(ids.size())), static_cast<std::uint32_t>(1 + label));
        corpus.add(label, "r" + std::to_string(i), "s" + std::to_string(i / 3), ids);
    }
    return corpus;
}

std::vector<std::string> toy_words() {
    std::vector<std::string> words;
    for (int i = 1; i <= 34; ++i) words.push_back("w" + std::to_string(i));
    return words;
}

Model toy_model(const Settings& settings) {
    Settings all = {{"arch", "bag"}, {"buckets", "97"}, {"ngram_dim", "4"}, {"dim", "8"}, {"epochs", "3"}};
    all.insert(all.end(), settings.begin(), settings.end());
    Model m;
    m.options = fit_options(all);
    m.vocabulary = Vocabulary(toy_words());
    m.max_words = 0;
    return m;
}

DataSplit all_rows(const TokenCorpus& corpus) {
    DataSplit split;
    for (std::size_t i = 0; i < corpus.size(); ++i) (i % 5 == 0 ? split.validation : split.train).push_back(i);
    return split;
}

}  // namespace

TEST_CASE("BagNetwork forward equals the explicit computation") {
    const Headlines data;
    for (std::size_t hidden : {0, 5}) {
        for (std::size_t ngrams : {1, 2, 3}) {
            CAPTURE(hidden);
            CAPTURE(ngrams);
            BagNetwork network(small_shape(hidden, ngrams));
            const auto params = random_parameters(network, 11 + hidden + ngrams);
            std::vector<float> probabilities(data.tokens.size() * 4);
            network.predict(params.data(), data.batch(), probabilities.data());
            auto scratch = network.scratch();
            for (std::size_t i = 0; i < data.tokens.size(); ++i) {
                const auto expected = reference_probabilities(network, params, data.tokens[i]);
                const double loss = network.loss(params.data(), data.span(i), data.labels[i], scratch);
                for (std::size_t c = 0; c < 4; ++c) {
                    CHECK(probabilities[i * 4 + c] == doctest::Approx(expected[c]).epsilon(1e-5));
                    CHECK(scratch.probabilities[c] == doctest::Approx(expected[c]).epsilon(1e-5));
                }
                CHECK(loss == doctest::Approx(-std::log(expected[static_cast<std::size_t>(data.labels[i])])).epsilon(1e-5));
            }
        }
    }
}

TEST_CASE("an SGD step with rate 1 moves every parameter by the gradient of the headline's loss") {
    const Headlines data;
    for (std::size_t hidden : {0, 4}) {
        BagNetwork network(small_shape(hidden));
        auto params = random_parameters(network, 3 + hidden);
        auto scratch = network.scratch();
        for (std::size_t i = 0; i < data.tokens.size(); ++i) {
            CAPTURE(hidden);
            CAPTURE(i);
            const int label = data.labels[i];
            const TokenSpan span = data.span(i);
            std::vector<float> stepped = params;
            const double loss = network.sgd_step(stepped.data(), span, label, 1.0f, scratch);
            CHECK(loss == doctest::Approx(network.loss(params.data(), span, label, scratch)).epsilon(1e-6));
            std::vector<double> analytic(params.size());
            for (std::size_t k = 0; k < params.size(); ++k)
                analytic[k] = static_cast<double>(params[k]) - static_cast<double>(stepped[k]);
            // Central differences; a step that switches a hidden unit on or off measures the kink,
            // not the gradient, and is skipped.
            auto pattern = [&](const std::vector<float>& p) {
                network.loss(p.data(), span, label, scratch);
                std::vector<bool> on;
                for (float v : scratch.hidden) on.push_back(v > 0.0f);
                return on;
            };
            const std::vector<bool> base = pattern(params);
            std::vector<double> numeric(params.size());
            std::vector<bool> skip(params.size(), false);
            for (std::size_t k = 0; k < params.size(); ++k) {
                std::vector<float> p = params;
                const float h = 1e-2f, up = params[k] + h, down = params[k] - h;
                p[k] = up;
                const double f_up = network.loss(p.data(), span, label, scratch);
                skip[k] = pattern(p) != base;
                p[k] = down;
                const double f_down = network.loss(p.data(), span, label, scratch);
                skip[k] = skip[k] || pattern(p) != base;
                numeric[k] = (f_up - f_down) / (static_cast<double>(up) - static_cast<double>(down));
            }
            // An entry passes when |a - n| <= 1e-2 max(|a|, |n|) + 2e-4.
            auto failures = [&](const std::vector<double>& a, std::size_t* compared) {
                std::size_t failed = 0;
                for (std::size_t k = 0; k < a.size(); ++k) {
                    if (skip[k]) continue;
                    const double scale = std::max(std::fabs(a[k]), std::fabs(numeric[k]));
                    failed += std::fabs(a[k] - numeric[k]) > 1e-2 * scale + 2e-4;
                    if (compared) *compared += scale > 1e-3;
                }
                return failed;
            };
            std::size_t compared = 0;
            const auto skipped = static_cast<std::size_t>(std::count(skip.begin(), skip.end(), true));
            INFO("compared " << compared << ", skipped " << skipped << " of " << params.size());
            CHECK(failures(analytic, &compared) == 0);
            CHECK(skipped * 50 < params.size());
            if (data.tokens[i].empty()) continue;
            CHECK(compared > 20);
            // Sharp enough to see a 5% error.
            std::vector<double> scaled = analytic;
            for (auto& g : scaled) g *= 1.05;
            CHECK(failures(scaled, nullptr) > 0);
        }
    }
}

TEST_CASE("an SGD step touches only the selected rows and the dense layers, each once per selection") {
    BagNetwork network(small_shape(0));
    auto params = random_parameters(network, 21);
    auto scratch = network.scratch();
    const std::vector<std::uint32_t> tokens = {3, 3, 9};
    std::vector<float> stepped = params;
    network.sgd_step(stepped.data(), {tokens.data(), tokens.size()}, 2, 0.5f, scratch);
    const std::size_t dim = 6;
    for (std::size_t r = 0; r <= 14; ++r) {
        const bool selected = r == 3 || r == 9;
        bool moved = false;
        for (std::size_t d = 0; d < dim; ++d) moved = moved || stepped[r * dim + d] != params[r * dim + d];
        CHECK_MESSAGE(moved == selected, "word row " << r);
    }
    // Row 3 counts twice in the mean and moves twice as far as row 9.
    for (std::size_t d = 0; d < dim; ++d)
        CHECK(params[3 * dim + d] - stepped[3 * dim + d] ==
              doctest::Approx(2.0f * (params[9 * dim + d] - stepped[9 * dim + d])).epsilon(1e-4));
    EmbeddingBag::Selection s;
    network.bag().select({tokens.data(), tokens.size()}, s);
    const float* table = params.data() + network.bag().ngram_offset();
    const float* moved_table = stepped.data() + network.bag().ngram_offset();
    for (std::size_t b = 0; b < 11; ++b) {
        const bool selected = std::find(s.ngrams.begin(), s.ngrams.end(), b) != s.ngrams.end();
        bool moved = false;
        for (std::size_t d = 0; d < 3; ++d) moved = moved || moved_table[b * 3 + d] != table[b * 3 + d];
        CHECK_MESSAGE(moved == selected, "bucket " << b);
    }
    for (std::size_t k = network.dense_offset(); k < params.size(); ++k) CHECK(stepped[k] != params[k]);
}

TEST_CASE("BagNetwork lays out word vectors, n-gram vectors, hidden and output layer, the tables in f16") {
    BagNetwork network(small_shape(5));
    const auto blocks = network.parameter_blocks();
    REQUIRE(blocks.size() == 6);
    const std::vector<std::string> names = {"word_vectors", "ngram_vectors", "hidden.kernel", "hidden.bias", "output.kernel", "output.bias"};
    const std::vector<std::vector<std::size_t>> shapes = {{15, 6}, {11, 3}, {9, 5}, {5}, {5, 4}, {4}};
    std::size_t offset = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        CHECK(blocks[i].name == names[i]);
        CHECK(blocks[i].shape == shapes[i]);
        CHECK(blocks[i].offset == offset);
        CHECK((blocks[i].storage == Storage::f16) == (i < 2));
        offset += blocks[i].size();
    }
    CHECK(network.parameter_count() == offset);
    CHECK(network.dense_offset() == 15 * 6 + 11 * 3);

    const auto plain = BagNetwork(small_shape(0, 1)).parameter_blocks();
    REQUIRE(plain.size() == 3);
    CHECK(plain[1].name == "output.kernel");
    CHECK(plain[1].shape == std::vector<std::size_t>{6, 4});
}

TEST_CASE("initialisation: pretrained rows where they are not zero, uniform +-1/width elsewhere, zero output") {
    BagShape shape = small_shape(0);
    shape.words = 5000;  // rows in several blocks of the generators
    shape.buckets = 9000;
    BagNetwork network(shape);
    Matrix pretrained = xt::zeros<float>({shape.words + 1, shape.dim});
    for (std::size_t r = 1; r <= shape.words; r += 3)
        for (std::size_t d = 0; d < shape.dim; ++d) pretrained(r, d) = static_cast<float>(r + d);
    std::vector<float> a(network.parameter_count(), 9.0f), b(a.size(), 7.0f), c(a.size(), 5.0f);
    network.initialize(a.data(), &pretrained, 99, 1);
    network.initialize(b.data(), &pretrained, 99, 3);
    network.initialize(c.data(), &pretrained, 100, 1);
    CHECK(a == b);  // any number of threads gives the same values
    CHECK(a != c);
    for (std::size_t d = 0; d < shape.dim; ++d) CHECK(a[d] == 0.0f);  // row 0: padding
    double sum = 0;
    float largest = 0;
    for (std::size_t r = 1; r <= shape.words; ++r)
        for (std::size_t d = 0; d < shape.dim; ++d) {
            const float v = a[r * shape.dim + d];
            if (r % 3 == 1) {
                CHECK(v == pretrained(r, d));
            } else {
                CHECK(std::fabs(v) <= 1.0f / 6);
                largest = std::max(largest, std::fabs(v));
                sum += v;
            }
        }
    CHECK(largest > 0.95f / 6);
    CHECK(std::fabs(sum) < 100.0);  // centred: 20,000 values of standard deviation 0.1
    const float* ngrams = a.data() + network.bag().ngram_offset();
    float largest_ngram = 0;
    for (std::size_t i = 0; i < shape.buckets * shape.ngram_dim; ++i) largest_ngram = std::max(largest_ngram, std::fabs(ngrams[i]));
    CHECK(largest_ngram <= 1.0f / 3);
    CHECK(largest_ngram > 0.95f / 3);
    for (std::size_t k = network.dense_offset(); k < a.size(); ++k) CHECK(a[k] == 0.0f);

    // Without pretrained vectors every word row but padding is random.
    std::vector<float> r(network.parameter_count());
    network.initialize(r.data(), nullptr, 99, 2);
    CHECK(r[5 * shape.dim] != 0.0f);
    CHECK(r[5 * shape.dim] == a[5 * shape.dim]);  // the same draw as beside the pretrained rows
    Matrix narrow = xt::zeros<float>({shape.words + 1, shape.dim - 1});
    CHECK_THROWS_AS(network.initialize(r.data(), &narrow, 99, 1), UsageError);
}

TEST_CASE("training learns the toy task, reports each epoch, and one thread gives the same bytes every run") {
    const TokenCorpus corpus = toy_corpus(600, 4);
    const DataSplit split = all_rows(corpus);
    const Architecture& arch = architecture("bag");
    CHECK_FALSE(arch.needs_pretrained);
    auto fit = [&](const Settings& settings, const Matrix* pretrained) {
        Model m = toy_model(settings);
        std::vector<EpochResult> seen;
        TrainingData data{corpus, split, pretrained, [&](const EpochResult& e) { seen.push_back(e); }};
        auto history = arch.train(m, data);
        REQUIRE(history.size() == 3);
        REQUIRE(seen.size() == 3);
        CHECK(seen.back().epoch == 3);
        CHECK(seen.back().train.rows == split.train.size());
        CHECK(seen.back().validation.rows == split.validation.size());
        CHECK(history.back().train.loss < history.front().train.loss);
        CHECK(history.back().validation.accuracy > 0.9);
        round_to_storage(m);
        m.self_tests = Classifier(Model(m)).run_self_tests();
        return m;
    };
    const Model one = fit({{"threads", "1"}, {"learning_rate", "0.5"}}, nullptr);
    const Model again = fit({{"threads", "1"}, {"learning_rate", "0.5"}}, nullptr);
    CHECK(model_bytes(one) == model_bytes(again));
    const Model other_seed = fit({{"threads", "1"}, {"learning_rate", "0.5"}, {"seed", "5"}}, nullptr);
    CHECK(model_bytes(one) != model_bytes(other_seed));
    fit({{"threads", "3"}, {"learning_rate", "0.5"}}, nullptr);  // Hogwild: learns too, not the same bytes
    // With a hidden layer, words only: among a dozen random n-gram rows the topic word's small
    // random row takes more than 3 epochs of 480 headlines to stand out behind a relu layer.
    fit({{"threads", "1"}, {"learning_rate", "0.2"}, {"bag_hidden", "8"}, {"ngrams", "1"}}, nullptr);

    // The dim comes from the pretrained matrix when there is one.
    Matrix pretrained = xt::zeros<float>({std::size_t{35}, std::size_t{5}});
    for (std::size_t d = 0; d < 5; ++d) pretrained(1 + d % 4, d) = 1.0f;
    const Model with_vectors = fit({{"threads", "1"}, {"learning_rate", "0.5"}}, &pretrained);
    CHECK(with_vectors.options.dim == 5);
    CHECK(with_vectors.parameters.size() == 35 * 5 + 97 * 4 + 9 * 4 + 4);

    CHECK_THROWS_AS(fit({{"optimizer", "adam"}}, nullptr), UsageError);
}

TEST_CASE("with a patience, training stops when the validation loss stops falling and keeps the best epoch") {
    // Labels at random: the validation loss rises once the model learns the training rows by heart.
    TokenCorpus corpus = toy_corpus(600, 4);
    PythonRandom rng(12);
    for (auto& label : corpus.labels) label = static_cast<std::int8_t>(rng.randbelow(4));
    const DataSplit split = all_rows(corpus);
    Model m = toy_model({{"threads", "1"}, {"learning_rate", "0.5"}, {"epochs", "12"}, {"patience", "2"}});
    TrainingData data{corpus, split, nullptr, nullptr};
    const auto history = architecture("bag").train(m, data);
    REQUIRE(history.size() >= 3);
    CHECK(history.size() < 12);
    std::size_t best = 0;
    for (std::size_t i = 1; i < history.size(); ++i)
        if (history[i].validation.loss < history[best].validation.loss) best = i;
    CHECK(best + 3 == history.size());  // stopped after 2 epochs without a lower loss
    auto network = architecture("bag").network(m);
    const Evaluation kept = evaluate_rows(*network, m.parameters.data(), corpus, split.validation);
    CHECK(kept.loss == doctest::Approx(history[best].validation.loss).epsilon(1e-9));
}

TEST_CASE("a bag model written and read back predicts the same") {
    const TokenCorpus corpus = toy_corpus(300, 8);
    const DataSplit split = all_rows(corpus);
    const std::vector<Settings> variants = {{{"threads", "1"}, {"learning_rate", "0.5"}},
                                            {{"threads", "1"}, {"bag_hidden", "3"}, {"learning_rate", "0.2"}, {"ngrams", "1"}}};
    for (const auto& settings : variants) {
        Model m = toy_model(settings);
        CAPTURE(m.options.bag_hidden);
        TrainingData data{corpus, split, nullptr, nullptr};
        architecture("bag").train(m, data);
        round_to_storage(m);
        m.self_tests = Classifier(Model(m)).run_self_tests();
        const std::string bytes = model_bytes(m);
        Model read = parse_model(bytes, "bag.model");
        CHECK(read.parameters == m.parameters);
        CHECK(model_bytes(read) == bytes);
        Classifier before(std::move(m)), after(std::move(read));
        after.check_self_tests("bag.model");
        const std::vector<std::string> titles = {"w1 w7 w9", "w2", "", "w3 w3 w3 unknown w4", "nothing known"};
        auto p = before.classify(titles), q = after.classify(titles);
        for (std::size_t i = 0; i < titles.size(); ++i)
            for (std::size_t c = 0; c < label_count; ++c) CHECK(p[i][c] == q[i][c]);
        CHECK(std::max_element(p[0].begin(), p[0].end()) - p[0].begin() == 0);  // w1 tells label 0
        CHECK(std::max_element(p[1].begin(), p[1].end()) - p[1].begin() == 1);
    }
}
