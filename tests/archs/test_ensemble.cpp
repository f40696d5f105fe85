// The ensemble: mixture weights by EM, its network mixing members of narrower vocabularies, and
// its model file holding the members.
#include "newsclf/archs/ensemble.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "newsclf/model/classifier.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/mlp.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

// An mlp over the first `words` of a shared word list, weights from a formula of `salt`.
Model mlp_member(std::size_t words, float salt) {
    static const std::vector<std::string> all = {"fed", "weather", "taper", "tech", "cars", "kim", "wedding", "exercise", "loss"};
    Model m;
    m.options = fit_options({{"arch", "mlp"}, {"max_len", "4"}, {"hidden_units", "3"}});
    m.vocabulary = Vocabulary(std::vector<std::string>(all.begin(), all.begin() + words));
    m.max_words = words + 1;
    m.embedding = Matrix::from_shape({words + 1, 5});
    for (std::size_t i = 0; i < m.embedding.size(); ++i)
        m.embedding.data()[i] = i < 5 ? 0.0f : std::cos(static_cast<float>(i) * salt) * 0.7f;
    MlpNetwork network(&m.embedding, MlpShape{4, 3, 1, label_count});
    m.parameters.resize(network.parameter_count());
    for (std::size_t i = 0; i < m.parameters.size(); ++i) m.parameters[i] = std::sin(static_cast<float>(i) * salt) * 0.8f;
    return m;
}

Model two_member_ensemble() {
    Model e;
    e.options = fit_options({{"arch", "ensemble"}, {"members", "mlp,mlp"}});
    e.vocabulary = Vocabulary({"fed", "weather", "taper", "tech", "cars", "kim", "wedding", "exercise", "loss"});
    e.max_words = 10;
    e.members.push_back(mlp_member(9, 1.3f));
    e.members.push_back(mlp_member(5, 0.7f));  // knows only the first 5 words
    e.parameters = {0.25f, 0.75f};
    return e;
}

}  // namespace

TEST_CASE("mixture weights: all on a perfect model, shared between complementary ones") {
    // Model 0 is right on every row, model 1 is uniform: the likelihood grows with model 0's weight.
    std::vector<std::int8_t> labels = {0, 1, 2, 3, 0, 1};
    std::vector<float> perfect(labels.size() * 4, 0.0f), uniform(labels.size() * 4, 0.25f);
    for (std::size_t i = 0; i < labels.size(); ++i) perfect[i * 4 + labels[i]] = 1.0f;
    auto w = fit_mixture_weights({perfect, uniform}, labels, 4);
    CHECK(w[0] > 0.999);
    CHECK(w[0] + w[1] == doctest::Approx(1.0));
    // Each model right on half the rows (and uniform elsewhere): equal weights by symmetry.
    std::vector<float> first(uniform), second(uniform);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        float* p = (i < 3 ? first : second).data() + i * 4;
        for (std::size_t c = 0; c < 4; ++c) p[c] = c == static_cast<std::size_t>(labels[i]) ? 0.97f : 0.01f;
    }
    w = fit_mixture_weights({first, second}, labels, 4);
    CHECK(w[0] == doctest::Approx(0.5).epsilon(1e-4));
    // Rows without a label do not count.
    std::vector<std::int8_t> unlabelled(labels.size(), -1);
    w = fit_mixture_weights({first, second}, unlabelled, 4);
    CHECK(w[0] == doctest::Approx(0.5));
}

TEST_CASE("the ensemble network mixes its members, each seeing only its own words") {
    Model e = two_member_ensemble();
    Classifier ensemble(e);
    Classifier wide(e.members[0]), narrow(e.members[1]);
    for (std::string title : {"Fed says weather slowed taper", "Kim wedding cars and tech", "exercise loss"}) {
        CAPTURE(title);
        auto p = ensemble.classify(title);
        auto a = wide.classify(title), b = narrow.classify(title);
        for (std::size_t c = 0; c < label_count; ++c) CHECK(p[c] == doctest::Approx(0.25f * a[c] + 0.75f * b[c]).epsilon(1e-6));
    }
}

TEST_CASE("an ensemble's model file holds its members and reads back the same") {
    Model e = two_member_ensemble();
    e.self_tests = Classifier(e).run_self_tests();
    const std::string bytes = model_bytes(e);
    Model back = parse_model(bytes, "ensemble");
    REQUIRE(back.members.size() == 2);
    CHECK(back.options.members == "mlp,mlp");
    CHECK(back.members[1].vocabulary.size() == 5);
    CHECK(back.members[0].parameters == e.members[0].parameters);
    CHECK(back.parameters == e.parameters);
    CHECK(model_bytes(back) == bytes);
    CHECK(contains(model_summary_json(back), "\"members\":[{"));
    Classifier reloaded(std::move(back));
    reloaded.check_self_tests("ensemble");  // same probabilities after the round trip
    // Truncating anywhere inside the members is refused.
    CHECK_THROWS_AS(parse_model(bytes.substr(0, bytes.size() - 100), "cut"), FormatError);
}

TEST_CASE("an ensemble needs training rows, validation rows and known member archs") {
    CHECK_THROWS_AS(fit_options({{"arch", "ensemble"}, {"members", "mlp,ensemble"}}), UsageError);
    CHECK_THROWS_AS(fit_options({{"arch", "ensemble"}, {"members", "mlp,nope"}}), UsageError);
    CHECK_THROWS_AS(fit_options({{"arch", "ensemble"}, {"members", ""}}), UsageError);
    Model e;
    e.options = fit_options({{"arch", "ensemble"}, {"members", "mlp"}});
    TokenCorpus corpus;
    DataSplit split;
    split.train = {0};
    corpus.add(0, "1", "s", {1});
    TrainingData data{corpus, split, nullptr, nullptr};
    CHECK_THROWS_WITH_AS(architecture("ensemble").train(e, data), doctest::Contains("validation rows"), UsageError);

    // No rows at all: the words of every arch on an empty input, not a word on validation.
    const TokenCorpus empty;
    const DataSplit none;
    for (const std::string arch : {"ensemble", "linear", "bag"}) {
        Model m;
        m.options = fit_options({{"arch", arch}});
        TrainingData nothing{empty, none, nullptr, nullptr};
        CHECK_THROWS_WITH_AS(architecture(arch).train(m, nothing), "no training rows: the input is empty or everything went to validation",
                             DataError);
    }
}
