// How sure a score is: percentile bootstrap intervals of accuracy and macro-F1 over rows or over
// whole stories, the paired comparison of two systems on the same rows, and McNemar's test.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "newsclf/base/json.hpp"
#include "newsclf/training/metrics.hpp"

namespace newsclf {

inline constexpr std::size_t default_bootstrap_resamples = 1000;
inline constexpr std::uint64_t default_bootstrap_seed = 42;
inline constexpr double default_interval_level = 0.95;
// Below this many discordant rows McNemar's p-value is the exact binomial one.
inline constexpr std::uint64_t mcnemar_exact_below = 25;

struct BootstrapOptions {
    std::size_t resamples = default_bootstrap_resamples;  // 0: no intervals
    std::uint64_t seed = default_bootstrap_seed;
    double level = default_interval_level;
};

struct Interval {
    double lower = 0, upper = 0;
};

// What a resample draws: every row alone, or the rows of a story together (a row without a story
// is a unit of its own).
enum class ResampleUnit { row, story };
const char* resample_unit_name(ResampleUnit unit);

// The unit index of each row, numbered from 0 in the order of their first rows.
std::vector<std::uint32_t> resampling_units(const std::vector<std::string>& stories, ResampleUnit unit);

// Rows as the cells of a contingency table (cell_of_row[i] < cells), their counts summed once per
// unit, so that a resample adds up a few counts per unit drawn instead of a row at a time.
class UnitCounts {
public:
    UnitCounts(const std::vector<std::uint32_t>& unit_of_row, const std::vector<std::uint8_t>& cell_of_row,
               std::size_t cells);
    std::size_t units() const { return offsets_.size() - 1; }
    std::size_t cells() const { return cells_; }
    // Adds unit u's counts to table[0, cells()).
    void add_unit(std::size_t u, std::uint64_t* table) const {
        for (std::uint32_t k = offsets_[u]; k < offsets_[u + 1]; ++k) table[cell_[k]] += count_[k];
    }
    // The table of all rows.
    std::vector<std::uint64_t> totals() const;
    // Whether every unit is one row, whose cell is then cell_of_unit(u).
    bool single_rows() const { return cell_.size() == units() && cell_.size() == rows_; }
    std::uint8_t cell_of_unit(std::size_t u) const { return cell_[u]; }
    const std::uint8_t* unit_cells() const { return cell_.data(); }

private:
    std::size_t cells_;
    std::size_t rows_ = 0;
    std::vector<std::uint32_t> offsets_{0};
    std::vector<std::uint8_t> cell_;
    std::vector<std::uint32_t> count_;
};

// Computes `count` statistics of a table into out[0, count).
using TableStatistics = std::function<void(const std::uint64_t* table, double* out)>;

// For each statistic, its values over options.resamples resamples, in resample order. Resample r
// draws units() units uniformly with replacement from a SplitMix64 seeded with
// seed ^ (0xD1B54A32D192ED03 * (r + 1)): each of its values gives two draws, its low 32 bits x
// first, then its high ones, each the unit (x * units()) >> 32 (a bias below units() / 2^32, far
// beneath what a bootstrap can show).
std::vector<std::vector<double>> bootstrap(const UnitCounts& units, std::size_t count, const TableStatistics& statistics,
                                           const BootstrapOptions& options);

// The central `level` percentile interval of values: their (1 - level)/2 and (1 + level)/2
// quantiles, interpolated linearly between order statistics as numpy.percentile does by default.
Interval percentile_interval(std::vector<double> values, double level);

// McNemar's test of two systems on the same rows: b rows only the first got right, c only the
// second. With b + c >= mcnemar_exact_below, the chi-square with continuity correction
// (max(|b - c| - 1, 0))^2 / (b + c) and its p-value on one degree of freedom; below it, the exact
// two-sided binomial p-value of min(b, c) in b + c draws at 1/2. No discordant row: p = 1.
struct McNemarTest {
    std::uint64_t b = 0, c = 0;
    bool exact = true;
    double chi_square = 0;  // 0 when exact
    double p_value = 1;
};
McNemarTest mcnemar_test(std::uint64_t b, std::uint64_t c);
// P(X >= x) for a chi-square of one degree of freedom.
double chi_square_1_upper_tail(double x);
// The two-sided binomial p-value of k successes in n draws at 1/2: min(1, 2 P(X <= min(k, n - k))).
double binomial_two_sided_p(std::uint64_t k, std::uint64_t n);

// The intervals of one system's accuracy and macro-F1.
struct ScoreIntervals {
    ResampleUnit unit = ResampleUnit::row;
    std::size_t units = 0, resamples = 0;
    double level = default_interval_level;
    Interval accuracy, macro_f1;
};
// labels and predicted: label indices, a row each; unit_of_row from resampling_units.
ScoreIntervals score_intervals(const std::vector<std::int8_t>& labels, const std::vector<std::int8_t>& predicted,
                               const std::vector<std::uint32_t>& unit_of_row, ResampleUnit unit,
                               const BootstrapOptions& options);
// {"level":0.95,"resamples":1000,"unit":"story","units":4321,"accuracy":[lo,hi],"macro_f1":[lo,hi]}
void write_json(JsonWriter& w, const ScoreIntervals& s);

// Systems a and b on the same rows: their scores, the differences a - b with paired intervals
// (each resample draws the same units for both), each system's own intervals from the same
// resamples, and McNemar's test.
struct SystemComparison {
    std::string other;  // what b is, for the output
    ResampleUnit unit = ResampleUnit::row;
    std::size_t rows = 0, units = 0, resamples = 0;
    double level = default_interval_level;
    double accuracy_a = 0, accuracy_b = 0, macro_f1_a = 0, macro_f1_b = 0;
    Interval accuracy_a_interval, accuracy_b_interval, macro_f1_a_interval, macro_f1_b_interval;
    Interval accuracy_difference, macro_f1_difference;
    McNemarTest mcnemar;
};
SystemComparison compare_systems(const std::vector<std::int8_t>& labels, const std::vector<std::int8_t>& predicted_a,
                                 const std::vector<std::int8_t>& predicted_b,
                                 const std::vector<std::uint32_t>& unit_of_row, ResampleUnit unit,
                                 const BootstrapOptions& options);
// {"b":...,"n":..,"level":..,"resamples":..,"unit":..,"units":..,
//  "accuracy":{"a":..,"b":..,"difference":..,"interval":[lo,hi],"a_interval":[..],"b_interval":[..]},
//  "macro_f1":{...},"mcnemar":{"b":..,"c":..,"test":"chi-square"|"exact","chi_square":..,"p_value":..}}
// (without resamples, no interval members).
void write_json(JsonWriter& w, const SystemComparison& c);

}  // namespace newsclf
