// Bootstrap intervals, paired comparisons and McNemar's test: p-values and percentiles against
// scipy and numpy, and the intervals of fixed rows against the same draws made in Python
// (SplitMix64, multiply-shift, numpy.percentile: bootstrap_reference.py), plus the invariants of
// grouping by story.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <simdjson.h>

#include "newsclf/training/uncertainty.hpp"

using namespace newsclf;

namespace {

// 30 rows: labels b t e m in turn, a's and b's predictions, stories of three rows with every
// fifth row alone (16 units).
struct Rows {
    std::vector<std::int8_t> labels, a, b;
    std::vector<std::string> stories;
};

Rows fixed_rows() {
    Rows r;
    for (int i = 0; i < 30; ++i) {
        const int label = i % 4;
        r.labels.push_back(static_cast<std::int8_t>(label));
        r.a.push_back(static_cast<std::int8_t>((i * 7 / 3) % 4));
        r.b.push_back(static_cast<std::int8_t>(i % 3 ? label : (label + 1) % 4));
        r.stories.push_back(i % 5 ? "s" + std::to_string(i / 3) : "");
    }
    return r;
}

BootstrapOptions options(std::size_t resamples, std::uint64_t seed) {
    BootstrapOptions o;
    o.resamples = resamples;
    o.seed = seed;
    return o;
}

void check_interval(const Interval& i, double lower, double upper) {
    CHECK(i.lower == doctest::Approx(lower).epsilon(1e-12));
    CHECK(i.upper == doctest::Approx(upper).epsilon(1e-12));
}

}  // namespace

TEST_CASE("McNemar's test: chi-square with continuity correction, exact below 25 discordant rows (scipy)") {
    McNemarTest t = mcnemar_test(30, 15);
    CHECK_FALSE(t.exact);
    CHECK(t.chi_square == doctest::Approx(196.0 / 45.0));
    CHECK(t.p_value == doctest::Approx(0.036888425707049914).epsilon(1e-10));  // scipy.stats.chi2.sf(196/45, 1)
    CHECK(mcnemar_test(100, 60).p_value == doctest::Approx(0.002047732153668759).epsilon(1e-10));
    CHECK(mcnemar_test(60, 100).p_value == mcnemar_test(100, 60).p_value);
    t = mcnemar_test(3, 10);
    CHECK(t.exact);
    CHECK(t.p_value == doctest::Approx(0.09228515625).epsilon(1e-12));  // scipy.stats.binomtest(3, 13).pvalue
    CHECK(mcnemar_test(0, 24).p_value == doctest::Approx(1.1920928955078125e-07).epsilon(1e-10));
    CHECK(mcnemar_test(5, 5).p_value == 1.0);
    CHECK(mcnemar_test(0, 0).p_value == 1.0);
    t = mcnemar_test(12, 13);  // 25: chi-square, |b - c| - 1 = 0
    CHECK_FALSE(t.exact);
    CHECK(t.chi_square == 0.0);
    CHECK(t.p_value == 1.0);
    CHECK(binomial_two_sided_p(13, 13) == doctest::Approx(2.0 / 8192));
    CHECK(chi_square_1_upper_tail(3.841458820694124) == doctest::Approx(0.05).epsilon(1e-9));
}

TEST_CASE("percentile intervals interpolate as numpy.percentile does") {
    std::vector<double> v;
    for (int i = 10; i >= 1; --i) v.push_back(i);
    check_interval(percentile_interval(v, 0.9), 1.45, 9.55);
    check_interval(percentile_interval({3.0, 1.0, 2.0}, 0.95), 1.05, 2.95);
    check_interval(percentile_interval({0.5}, 0.95), 0.5, 0.5);
}

TEST_CASE("resampling units: a story's rows together, a row without a story alone, or every row alone") {
    const std::vector<std::string> stories = {"x", "y", "", "x", "", "y", "z"};
    CHECK(resampling_units(stories, ResampleUnit::story) == std::vector<std::uint32_t>{0, 1, 2, 0, 3, 1, 4});
    CHECK(resampling_units(stories, ResampleUnit::row) == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6});
}

TEST_CASE("UnitCounts sums each unit's cells once; its totals are the table of all rows") {
    const UnitCounts counts({0, 1, 0, 2, 1, 0}, {3, 5, 3, 0, 3, 7}, 8);
    CHECK(counts.units() == 3);
    CHECK(counts.totals() == std::vector<std::uint64_t>{1, 0, 0, 3, 0, 1, 0, 1});
    std::vector<std::uint64_t> t(8, 0);
    counts.add_unit(0, t.data());
    CHECK(t == std::vector<std::uint64_t>{0, 0, 0, 2, 0, 0, 0, 1});
}

TEST_CASE("bootstrap intervals of fixed rows are those of the same draws made in Python") {
    const Rows r = fixed_rows();
    const auto rows = resampling_units(r.stories, ResampleUnit::row);
    const auto stories = resampling_units(r.stories, ResampleUnit::story);
    CHECK(stories.back() == 15);

    ScoreIntervals s = score_intervals(r.labels, r.a, rows, ResampleUnit::row, options(200, 42));
    CHECK(s.units == 30);
    check_interval(s.accuracy, 0.13333333333333333, 0.5333333333333333);
    check_interval(s.macro_f1, 0.1477756304260755, 0.5282762366310161);

    s = score_intervals(r.labels, r.a, stories, ResampleUnit::story, options(200, 42));
    CHECK(s.units == 16);
    check_interval(s.accuracy, 0.2306451612903226, 0.461764705882353);
    check_interval(s.macro_f1, 0.21290471681096682, 0.4269203798120038);

    SystemComparison c = compare_systems(r.labels, r.a, r.b, stories, ResampleUnit::story, options(100, 7));
    check_interval(c.accuracy_a_interval, 0.22580645161290322, 0.42130893300248135);
    check_interval(c.macro_f1_a_interval, 0.20641945773524722, 0.3965076100370217);
    check_interval(c.accuracy_b_interval, 0.5786910669975186, 0.7741935483870968);
    check_interval(c.accuracy_difference, -0.5483870967741935, -0.15738213399503728);
}

TEST_CASE("paired comparison: scores, McNemar's counts, the same draws as each system's own intervals") {
    const Rows r = fixed_rows();
    const auto stories = resampling_units(r.stories, ResampleUnit::story);
    const SystemComparison c = compare_systems(r.labels, r.a, r.b, stories, ResampleUnit::story, options(300, 42));
    std::size_t right_a = 0, right_b = 0, only_a = 0, only_b = 0;
    for (std::size_t i = 0; i < r.labels.size(); ++i) {
        right_a += r.a[i] == r.labels[i];
        right_b += r.b[i] == r.labels[i];
        only_a += r.a[i] == r.labels[i] && r.b[i] != r.labels[i];
        only_b += r.a[i] != r.labels[i] && r.b[i] == r.labels[i];
    }
    CHECK(c.rows == 30);
    CHECK(c.accuracy_a == doctest::Approx(right_a / 30.0));
    CHECK(c.accuracy_b == doctest::Approx(right_b / 30.0));
    CHECK(c.mcnemar.b == only_a);
    CHECK(c.mcnemar.c == only_b);
    CHECK(c.mcnemar.exact == (only_a + only_b < mcnemar_exact_below));
    CHECK(c.accuracy_difference.lower <= c.accuracy_a - c.accuracy_b);
    CHECK(c.accuracy_a - c.accuracy_b <= c.accuracy_difference.upper);
    const ScoreIntervals a = score_intervals(r.labels, r.a, stories, ResampleUnit::story, options(300, 42));
    CHECK(a.accuracy.lower == c.accuracy_a_interval.lower);
    CHECK(a.accuracy.upper == c.accuracy_a_interval.upper);
    CHECK(a.macro_f1.lower == c.macro_f1_a_interval.lower);
    // A system against itself: no difference in any resample.
    const SystemComparison same = compare_systems(r.labels, r.a, r.a, stories, ResampleUnit::story, options(50, 1));
    check_interval(same.accuracy_difference, 0, 0);
    check_interval(same.macro_f1_difference, 0, 0);
    CHECK(same.mcnemar.p_value == 1.0);
}

TEST_CASE("story intervals: a story a row is the row bootstrap, one story for all rows has no spread") {
    const Rows r = fixed_rows();
    std::vector<std::string> own(r.labels.size()), one(r.labels.size(), "all");
    for (std::size_t i = 0; i < own.size(); ++i) own[i] = std::to_string(i);
    const ScoreIntervals by_row =
        score_intervals(r.labels, r.a, resampling_units(own, ResampleUnit::row), ResampleUnit::row, options(100, 3));
    const ScoreIntervals by_story =
        score_intervals(r.labels, r.a, resampling_units(own, ResampleUnit::story), ResampleUnit::story, options(100, 3));
    CHECK(by_row.accuracy.lower == by_story.accuracy.lower);
    CHECK(by_row.accuracy.upper == by_story.accuracy.upper);
    const ScoreIntervals single =
        score_intervals(r.labels, r.a, resampling_units(one, ResampleUnit::story), ResampleUnit::story, options(100, 3));
    CHECK(single.units == 1);
    CHECK(single.accuracy.lower == single.accuracy.upper);
    // Another seed, other draws; the same seed, the same intervals.
    const ScoreIntervals again =
        score_intervals(r.labels, r.a, resampling_units(own, ResampleUnit::row), ResampleUnit::row, options(100, 3));
    CHECK(again.accuracy.lower == by_row.accuracy.lower);
    const ScoreIntervals other =
        score_intervals(r.labels, r.a, resampling_units(own, ResampleUnit::row), ResampleUnit::row, options(100, 4));
    CHECK((other.accuracy.lower != by_row.accuracy.lower || other.accuracy.upper != by_row.accuracy.upper ||
           other.macro_f1.lower != by_row.macro_f1.lower));
}

TEST_CASE("the JSON of intervals and of a comparison") {
    const Rows r = fixed_rows();
    const auto stories = resampling_units(r.stories, ResampleUnit::story);
    std::string out;
    JsonWriter w(out);
    write_json(w, score_intervals(r.labels, r.a, stories, ResampleUnit::story, options(200, 42)));
    CHECK(out.rfind("{\"level\":0.95,\"resamples\":200,\"unit\":\"story\",\"units\":16,\"accuracy\":[0.230645161290322", 0) == 0);

    SystemComparison c = compare_systems(r.labels, r.a, r.b, stories, ResampleUnit::story, options(0, 42));
    c.other = "b.txt";
    out.clear();
    JsonWriter v(out);
    write_json(v, c);
    simdjson::dom::parser parser;
    simdjson::dom::element e = parser.parse(out);
    CHECK(std::string_view(e["b"]) == "b.txt");
    CHECK(e["accuracy"]["interval"].error() == simdjson::NO_SUCH_FIELD);  // no resamples, no intervals
    CHECK(std::string_view(e["mcnemar"]["test"]) == (c.mcnemar.exact ? "exact" : "chi-square"));
    CHECK((e["mcnemar"]["chi_square"].error() == simdjson::NO_SUCH_FIELD) == c.mcnemar.exact);
    CHECK(double(e["accuracy"]["difference"]) == doctest::Approx(c.accuracy_a - c.accuracy_b));
}
