// MetricsAccumulator on small examples worked out by hand, and its JSON read back with simdjson.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <simdjson.h>

#include "newsclf/training/metrics.hpp"

using namespace newsclf;

namespace {

struct Row {
    int label;
    Probabilities p;
};

// Labels b t e m = 0 1 2 3. No row is "m", and none is predicted "m".
const std::vector<Row> example = {
    {0, {0.7f, 0.1f, 0.1f, 0.1f}},      // b -> b
    {0, {0.2f, 0.5f, 0.2f, 0.1f}},      // b -> t
    {1, {0.1f, 0.6f, 0.2f, 0.1f}},      // t -> t
    {1, {0.1f, 0.3f, 0.4f, 0.2f}},      // t -> e
    {2, {0.05f, 0.05f, 0.85f, 0.05f}},  // e -> e
    {2, {0.4f, 0.1f, 0.3f, 0.2f}},      // e -> b
    {2, {0.0f, 0.0f, 1.0f, 0.0f}},      // e -> e, log-loss 0
    {1, {0.25f, 0.25f, 0.25f, 0.25f}},  // t -> b: a tie goes to the first class
    {1, {1.0f, 0.0f, 0.0f, 0.0f}},      // t -> b with probability 0: clipped at 1e-15
};

MetricsAccumulator accumulate(const std::vector<Row>& rows) {
    MetricsAccumulator m;
    for (const auto& r : rows) m.add(r.label, r.p);
    return m;
}

double expected_log_loss(const std::vector<Row>& rows) {
    double sum = 0;
    for (const auto& r : rows) sum -= std::log(std::max(static_cast<double>(r.p[static_cast<std::size_t>(r.label)]), 1e-15));
    return sum / static_cast<double>(rows.size());
}

double number(simdjson::dom::element e) {
    if (e.is_double()) return e.get_double().value();
    if (e.is_uint64()) return static_cast<double>(e.get_uint64().value());
    if (e.is_int64()) return static_cast<double>(e.get_int64().value());
    FAIL("not a number");
    return 0;
}

}  // namespace

TEST_CASE("accuracy, macro-F1 and log-loss of the worked example") {
    const MetricsAccumulator m = accumulate(example);
    // Confusion (true x predicted): b [1 1 0 0], t [2 1 1 0], e [1 0 2 0], m [0 0 0 0].
    CHECK(m.count() == 9);
    CHECK(m.accuracy() == doctest::Approx(4.0 / 9.0));
    // F1: b P 1/4 R 1/2 -> 1/3; t P 1/2 R 1/4 -> 1/3; e P 2/3 R 2/3 -> 2/3; m absent, left out.
    CHECK(m.macro_f1() == doctest::Approx((1.0 / 3 + 1.0 / 3 + 2.0 / 3) / 3));
    CHECK(m.log_loss() == doctest::Approx(expected_log_loss(example)).epsilon(1e-12));
    // By hand: -ln of 0.7, 0.2, 0.6, 0.3, 0.85, 0.3, 1, 0.25 and the clipped 1e-15 (34.5388).
    const double by_hand = (0.356675 + 1.609438 + 0.510826 + 1.203973 + 0.162519 + 1.203973 + 0 + 1.386294 + 34.538776) / 9;
    CHECK(m.log_loss() == doctest::Approx(by_hand).epsilon(1e-6));
}

TEST_CASE("macro-F1 counts every class that is true or predicted") {
    SUBCASE("an m row predicted m: four classes, F1 1 for m") {
        std::vector<Row> rows = example;
        rows.push_back({3, {0.1f, 0.1f, 0.1f, 0.7f}});
        CHECK(accumulate(rows).macro_f1() == doctest::Approx((1.0 / 3 + 1.0 / 3 + 2.0 / 3 + 1.0) / 4));
        CHECK(accumulate(rows).accuracy() == doctest::Approx(5.0 / 10.0));
    }
    SUBCASE("an e row predicted m: m has no support but counts with F1 0") {
        std::vector<Row> rows = example;
        rows.push_back({2, {0.1f, 0.1f, 0.1f, 0.7f}});
        // e: P 2/3, R 2/4 -> F1 4/7
        CHECK(accumulate(rows).macro_f1() == doctest::Approx((1.0 / 3 + 1.0 / 3 + 4.0 / 7 + 0.0) / 4));
    }
    SUBCASE("all correct") {
        MetricsAccumulator m;
        for (int c = 0; c < 4; ++c) {
            Probabilities p{0.1f, 0.1f, 0.1f, 0.1f};
            p[static_cast<std::size_t>(c)] = 0.7f;
            m.add(c, p);
        }
        CHECK(m.accuracy() == 1.0);
        CHECK(m.macro_f1() == 1.0);
        CHECK(m.log_loss() == doctest::Approx(-std::log(static_cast<double>(0.7f))));
    }
}

TEST_CASE("the JSON holds n, accuracy, macro_f1, log_loss, per_class and confusion_matrix") {
    const MetricsAccumulator m = accumulate(example);
    const std::string text = m.json();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_MESSAGE(parser.parse(text).get(doc) == simdjson::SUCCESS, text);
    REQUIRE(doc.is_object());

    CHECK(number(doc["n"].value()) == 9);
    CHECK(number(doc["accuracy"].value()) == doctest::Approx(4.0 / 9.0));
    CHECK(number(doc["macro_f1"].value()) == doctest::Approx(4.0 / 9.0));
    CHECK(number(doc["log_loss"].value()) == doctest::Approx(expected_log_loss(example)).epsilon(1e-12));

    struct Expected {
        const char* code;
        const char* category;
        double precision, recall, f1;
        std::uint64_t support;
    };
    const Expected classes[] = {
        {"b", "Business", 0.25, 0.5, 1.0 / 3, 2},
        {"t", "Science & Technology", 0.5, 0.25, 1.0 / 3, 4},
        {"e", "Entertainment", 2.0 / 3, 2.0 / 3, 2.0 / 3, 3},
        {"m", "Health & Medicine", 0, 0, 0, 0},
    };
    simdjson::dom::object per_class;
    REQUIRE(doc["per_class"].get(per_class) == simdjson::SUCCESS);
    CHECK(per_class.size() == 4);
    for (const auto& c : classes) {
        CAPTURE(c.code);
        simdjson::dom::element e;
        REQUIRE(per_class[c.code].get(e) == simdjson::SUCCESS);
        CHECK(std::string(e["category"].get_string().value()) == c.category);
        CHECK(number(e["precision"].value()) == doctest::Approx(c.precision));
        CHECK(number(e["recall"].value()) == doctest::Approx(c.recall));
        CHECK(number(e["f1"].value()) == doctest::Approx(c.f1));
        CHECK(number(e["support"].value()) == c.support);
    }

    simdjson::dom::element confusion;
    REQUIRE(doc["confusion_matrix"].get(confusion) == simdjson::SUCCESS);
    std::vector<std::string> labels;
    simdjson::dom::array label_array, rows;
    REQUIRE(confusion["labels"].get(label_array) == simdjson::SUCCESS);
    REQUIRE(confusion["matrix"].get(rows) == simdjson::SUCCESS);
    for (auto l : label_array) labels.emplace_back(l.get_string().value());
    CHECK(labels == std::vector<std::string>{"b", "t", "e", "m"});
    const std::vector<std::vector<double>> expected = {{1, 1, 0, 0}, {2, 1, 1, 0}, {1, 0, 2, 0}, {0, 0, 0, 0}};
    std::vector<std::vector<double>> matrix;
    for (auto row : rows) {
        simdjson::dom::array values;
        REQUIRE(row.get(values) == simdjson::SUCCESS);
        matrix.emplace_back();
        for (auto v : values) matrix.back().push_back(number(v));
    }
    CHECK(matrix == expected);
}

TEST_CASE("an empty accumulator writes zeros") {
    const MetricsAccumulator m;
    CHECK(m.count() == 0);
    CHECK(m.accuracy() == 0.0);
    CHECK(m.macro_f1() == 0.0);
    CHECK(m.log_loss() == 0.0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const std::string text = m.json();
    REQUIRE_MESSAGE(parser.parse(text).get(doc) == simdjson::SUCCESS, text);
    CHECK(number(doc["n"].value()) == 0);
}

namespace {

// Four rows for the calibration metrics, their confidences away from the bin edges (k/15):
// b -> b at 0.7 (bin 10), t -> t at 0.5 (bin 7), e -> b at 0.55 (bin 8), m -> b at 0.72 (bin 10).
const std::vector<Row> calibration_example = {
    {0, {0.7f, 0.1f, 0.1f, 0.1f}},
    {1, {0.2f, 0.5f, 0.2f, 0.1f}},
    {2, {0.55f, 0.1f, 0.25f, 0.1f}},
    {3, {0.72f, 0.1f, 0.08f, 0.1f}},
};

}  // namespace

TEST_CASE("ECE, Brier score and per-class log-loss of a worked example") {
    const MetricsAccumulator m = accumulate(calibration_example);
    // Bin 10: 2 rows, 1 right, mean confidence 0.71 -> 2 * 0.21; bin 7: |1 - 0.5|; bin 8: |0 - 0.55|.
    CHECK(m.ece() == doctest::Approx((2 * 0.21 + 0.5 + 0.55) / 4).epsilon(1e-6));
    // Squared errors of the rows: 0.12, 0.34, 0.885, 1.3448.
    CHECK(m.brier() == doctest::Approx((0.12 + 0.34 + 0.885 + 1.3448) / 4).epsilon(1e-6));
    // b one-vs-rest: p_b 0.7 (a b row), 0.2, 0.55, 0.72.
    CHECK(m.class_brier(0) == doctest::Approx((0.09 + 0.04 + 0.3025 + 0.5184) / 4).epsilon(1e-6));
    // Bins of p_b: 10 holds 0.7 (b) and 0.72 (not b): |1 - 1.42|; 3 holds 0.2: |0 - 0.2|; 8: |0 - 0.55|.
    CHECK(m.class_ece(0) == doctest::Approx((0.42 + 0.2 + 0.55) / 4).epsilon(1e-6));
    // m one-vs-rest: p_m 0.1 everywhere (bin 1), one row of four is m: |1 - 0.4| / 4.
    CHECK(m.class_ece(3) == doctest::Approx(0.6 / 4).epsilon(1e-6));
    CHECK(m.class_brier(3) == doctest::Approx((0.01 + 0.01 + 0.01 + 0.81) / 4).epsilon(1e-6));
    // The one-vs-rest Brier scores add up to the overall one.
    CHECK(m.class_brier(0) + m.class_brier(1) + m.class_brier(2) + m.class_brier(3) == doctest::Approx(m.brier()));
    CHECK(m.class_log_loss(0) == doctest::Approx(-std::log(0.7)).epsilon(1e-6));
    CHECK(m.class_log_loss(1) == doctest::Approx(-std::log(0.5)).epsilon(1e-6));
    CHECK(m.class_log_loss(2) == doctest::Approx(-std::log(0.25)).epsilon(1e-6));
    CHECK(m.class_log_loss(3) == doctest::Approx(-std::log(0.1)).epsilon(1e-6));
    // Perfectly calibrated: every row right at confidence 1.
    MetricsAccumulator sure;
    sure.add(1, {0.0f, 1.0f, 0.0f, 0.0f});
    CHECK(sure.ece() == 0.0);
    CHECK(sure.brier() == 0.0);
    CHECK(MetricsAccumulator().ece() == 0.0);
}

TEST_CASE("the JSON holds ece, brier, their per-class versions and the reliability bins") {
    const MetricsAccumulator m = accumulate(calibration_example);
    const std::string text = m.json();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_MESSAGE(parser.parse(text).get(doc) == simdjson::SUCCESS, text);
    CHECK(number(doc["ece"].value()) == doctest::Approx(m.ece()));
    CHECK(number(doc["brier"].value()) == doctest::Approx(m.brier()));
    CHECK(number(doc["per_class"]["b"]["ece"].value()) == doctest::Approx(m.class_ece(0)));
    CHECK(number(doc["per_class"]["m"]["brier"].value()) == doctest::Approx(m.class_brier(3)));
    CHECK(number(doc["per_class"]["e"]["log_loss"].value()) == doctest::Approx(-std::log(0.25)).epsilon(1e-6));
    simdjson::dom::array bins;
    REQUIRE(doc["reliability"].get(bins) == simdjson::SUCCESS);
    REQUIRE(bins.size() == calibration_bins);
    std::size_t k = 0, rows = 0;
    for (auto bin : bins) {
        CAPTURE(k);
        CHECK(number(bin["lower"].value()) == doctest::Approx(k / 15.0));
        CHECK(number(bin["upper"].value()) == doctest::Approx((k + 1) / 15.0));
        rows += static_cast<std::size_t>(number(bin["rows"].value()));
        if (k == 10) {
            CHECK(number(bin["rows"].value()) == 2);
            CHECK(number(bin["confidence"].value()) == doctest::Approx(0.71).epsilon(1e-6));
            CHECK(number(bin["accuracy"].value()) == doctest::Approx(0.5));
        } else if (k == 0) {
            CHECK(bin["confidence"].is_null());
            CHECK(bin["accuracy"].is_null());
        }
        ++k;
    }
    CHECK(rows == 4);
}
