// The classifier (text -> probabilities) and the JSON line of a prediction.
#include <doctest/doctest.h>

#include <cmath>
#include <simdjson.h>

#include "newsclf/model/classifier.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/archs/mlp.hpp"
#include "newsclf/model/prediction.hpp"

using namespace newsclf;

namespace {
Model small_model() {
    Model m;
    m.options.max_len = 5;
    m.options.hidden_units = 3;
    m.vocabulary = Vocabulary({"health", "apple", "stocks"});
    m.max_words = 4;
    m.embedding = Matrix::from_shape({4, 2});
    const float rows[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t d = 0; d < 2; ++d) m.embedding(r, d) = rows[r][d];
    MlpNetwork network(&m.embedding, MlpShape{5, 3, 1, label_count});
    m.parameters.resize(network.parameter_count());
    PythonRandom rng(7);
    network.initialize(m.parameters.data(), rng);
    // A positive first layer keeps every hidden unit alive, so different titles get different answers.
    for (std::size_t i = 0; i < 5 * 2 * 3; ++i) m.parameters[i] = std::fabs(m.parameters[i]) + 0.1f;
    return m;
}
}  // namespace

TEST_CASE("the classifier encodes with the model's normaliser and vocabulary") {
    Classifier c(small_model());
    CHECK(c.encode("Apple, Stocks & HEALTH news") == std::vector<std::uint32_t>{2, 3, 1});
    CHECK(c.encode("nothing known").empty());
}

TEST_CASE("probabilities sum to one, and a batch gives what single titles give") {
    Classifier c(small_model());
    std::vector<std::string> titles = {"apple stocks", "health", "", "stocks stocks stocks stocks stocks stocks"};
    auto batch = c.classify(titles);
    REQUIRE(batch.size() == titles.size());
    for (std::size_t i = 0; i < titles.size(); ++i) {
        float sum = 0;
        for (float p : batch[i]) sum += p;
        CHECK(sum == doctest::Approx(1.0f).epsilon(1e-5));
        Probabilities one = c.classify(titles[i]);
        for (std::size_t k = 0; k < label_count; ++k) CHECK(one[k] == doctest::Approx(batch[i][k]).epsilon(1e-6));
    }
    CHECK(batch[0] != batch[1]);
}

TEST_CASE("self-tests pass for the model that made them and fail for an altered one") {
    Model m = small_model();
    {
        Classifier c(m);
        m.self_tests = c.run_self_tests();
    }
    CHECK(m.self_tests.size() == Classifier::self_test_titles().size());
    CHECK_NOTHROW(Classifier(m).check_self_tests("m"));
    Model altered = m;
    altered.parameters.back() += 0.5f;  // an output bias
    CHECK_THROWS_AS(Classifier(altered).check_self_tests("m"), FormatError);
}

TEST_CASE("a prediction line names the best label, its category and the probabilities") {
    Probabilities p = {0.1f, 0.2f, 0.05f, 0.65f};
    std::string line;
    append_prediction_json(line, p, PredictionFormat{});
    CHECK(line == "{\"label\":\"m\",\"category\":\"Health & Medicine\",\"probabilities\":{\"b\":0.1,\"t\":0.2,\"e\":0.05,\"m\":0.65}}");
    line.clear();
    const std::string id = "id \"7\"";
    append_prediction_json(line, p, PredictionFormat{2}, &id);
    CHECK(line == "{\"id\":\"id \\\"7\\\"\",\"label\":\"m\",\"category\":\"Health & Medicine\",\"probabilities\":{\"m\":0.65,\"t\":0.2}}");
    simdjson::dom::parser parser;
    CHECK_FALSE(parser.parse(line).error());
    CHECK(best_label(Probabilities{0.4f, 0.4f, 0.1f, 0.1f}) == 0);  // a tie goes to the first label
}
