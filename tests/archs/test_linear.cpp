// The linear arch: the network's blocks and scores against the explicit formula, and a model
// trained on the sample data: round trip through the model file, reproducible bit for bit,
// whatever the threads; its hyperparameters.
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
#include "newsclf/model/model_file.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/linear.hpp"
#include "newsclf/text/records.hpp"
#include "sample_stream.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

Model train_sample(const TokenStream& ts, const Settings& extra, const Matrix* vectors = nullptr) {
    Settings settings = {{"arch", "linear"}, {"buckets", "65536"}, {"validation_split", "0.2"}};
    settings.insert(settings.end(), extra.begin(), extra.end());
    Model m;
    m.options = fit_options(settings);
    m.normalizer = ts.info.normalizer;
    m.vocabulary = ts.info.vocabulary;
    m.max_words = ts.info.max_words;
    const DataSplit split = split_rows(ts.corpus, m.options.split_by, m.options.validation_split, m.options.seed);
    TrainingData data{ts.corpus, split, vectors, {}};
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
        std::vector<std::uint32_t> scratch;
        std::vector<FeatureCount> counts;
        network.ngrams().count(batch[b], scratch, counts);
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

TEST_CASE("LinearNetwork with word vectors: their block, and the weighted direction of the summed vectors added") {
    LinearShape shape;
    shape.vocabulary = 5;
    shape.buckets = 7;
    shape.vector_dim = 3;
    shape.vector_weight = 0.5f;
    Matrix vectors = random_embedding(6, 3, 5);
    for (std::size_t d = 0; d < 3; ++d) vectors(0, d) = vectors(4, d) = 0.0f;  // padding, and a word without a vector
    CHECK_THROWS_AS(LinearNetwork{shape}, InternalError);
    const LinearNetwork network(shape, &vectors);
    const LinearNetwork plain({5, 2, 7, 4});
    const auto blocks = network.parameter_blocks();
    REQUIRE(blocks.size() == 5);
    CHECK(blocks[4].name == "vector_weights");
    CHECK(blocks[4].shape == std::vector<std::size_t>{3, 4});
    CHECK(blocks[4].storage == Storage::f32);
    CHECK(network.parameter_count() == plain.parameter_count() + 12);

    std::vector<float> params(network.parameter_count());
    for (std::size_t i = 0; i < params.size(); ++i) params[i] = std::cos(static_cast<float>(i) * 0.3f);
    const std::vector<std::vector<std::uint32_t>> headlines = {{3, 1, 3, 2}, {}, {4}, {5, 9, 1}, {4, 4}};
    TokenBatch batch;
    for (const auto& h : headlines) batch.push_back({h.data(), h.size()});
    std::vector<float> z(batch.size() * 4), tfidf_only(batch.size() * 4);
    network.decision_values(params.data(), batch, z.data());
    plain.decision_values(params.data(), batch, tfidf_only.data());  // the same first blocks
    for (std::size_t b = 0; b < headlines.size(); ++b) {
        CAPTURE(b);
        double sum[3] = {0, 0, 0}, norm = 0;
        for (std::uint32_t id : headlines[b])
            if (id < 6)
                for (std::size_t d = 0; d < 3; ++d) sum[d] += vectors(id, d);
        for (double v : sum) norm += v * v;
        norm = std::sqrt(norm);
        for (std::size_t c = 0; c < 4; ++c) {
            double s = tfidf_only[b * 4 + c];
            if (norm > 0)
                for (std::size_t d = 0; d < 3; ++d)
                    s += 0.5 * sum[d] / norm * params[network.vector_weights_offset() + d * 4 + c];
            CHECK(z[b * 4 + c] == doctest::Approx(s).epsilon(1e-5));
        }
    }
    // Headlines whose words have no vector score as without them.
    for (std::size_t b : {1, 2, 4})
        for (std::size_t c = 0; c < 4; ++c) CHECK(z[b * 4 + c] == tfidf_only[b * 4 + c]);
}

TEST_CASE("a linear model with word vectors trained on the sample: the embedding in the file, round trip, "
          "self-tests, vector_weight 0 leaves them out") {
    const TokenStream ts = sample_stream();
    const Matrix vectors = random_embedding(ts.info.vocabulary.size() + 1, 8, 3);
    const Model model = train_sample(ts, {{"threads", "1"}}, &vectors);
    CHECK(model.embedding == vectors);
    const Model again = parse_model(model_bytes(model), "linear.model");
    CHECK(again.embedding == vectors);
    CHECK(again.parameters == model.parameters);
    Classifier(again).check_self_tests("linear.model");
    const auto blocks = architecture("linear").network(again)->parameter_blocks();
    REQUIRE(blocks.size() == 5);
    CHECK(blocks[4].name == "vector_weights");
    // The direction's weights are used: not all zero.
    const float* w = again.parameters.data() + blocks[4].offset;
    CHECK(std::any_of(w, w + blocks[4].size(), [](float v) { return v != 0.0f; }));
    // The same parameters whatever the threads.
    CHECK(train_sample(ts, {{"threads", "2"}}, &vectors).parameters == model.parameters);

    const Model without = train_sample(ts, {{"threads", "1"}, {"vector_weight", "0"}}, &vectors);
    CHECK(without.embedding.size() == 0);
    CHECK(without.parameters == train_sample(ts, {{"threads", "1"}}).parameters);
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
