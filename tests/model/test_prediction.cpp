// The JSON line of a prediction.
#include <doctest/doctest.h>

#include <cmath>
#include <simdjson.h>

#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/model/prediction.hpp"

using namespace newsclf;

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
