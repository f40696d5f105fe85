// Bootstrap intervals, paired comparisons and McNemar's test of classifiers' predictions.
#include "newsclf/training/uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/random.hpp"

namespace newsclf {

namespace {

// Calls draw(unit) n times, for n units drawn as bootstrap() describes.
template <class Draw>
void draw_units(SplitMix64& g, std::uint64_t n, Draw&& draw) {
    std::uint64_t k = 0;
    for (; k + 1 < n; k += 2) {
        const std::uint64_t z = g.next();
        draw(static_cast<std::size_t>(((z & 0xFFFFFFFFull) * n) >> 32));
        draw(static_cast<std::size_t>(((z >> 32) * n) >> 32));
    }
    if (k < n) draw(static_cast<std::size_t>(((g.next() & 0xFFFFFFFFull) * n) >> 32));
}

// The confusion matrix of a table whose cell is true * 4 + predicted, or, for a pair of systems,
// true * 16 + a * 4 + b (which = 0 for a, 1 for b).
ConfusionMatrix single_confusion(const std::uint64_t* t) {
    ConfusionMatrix m{};
    for (std::size_t i = 0; i < label_count; ++i)
        for (std::size_t j = 0; j < label_count; ++j) m[i][j] = static_cast<std::size_t>(t[i * 4 + j]);
    return m;
}

ConfusionMatrix paired_confusion(const std::uint64_t* t, int which) {
    ConfusionMatrix m{};
    for (std::size_t i = 0; i < label_count; ++i)
        for (std::size_t a = 0; a < label_count; ++a)
            for (std::size_t b = 0; b < label_count; ++b) m[i][which == 0 ? a : b] += static_cast<std::size_t>(t[i * 16 + a * 4 + b]);
    return m;
}

void check_rows(const std::vector<std::int8_t>& labels, const std::vector<std::int8_t>& predicted,
                const std::vector<std::uint32_t>& unit_of_row) {
    if (predicted.size() != labels.size() || unit_of_row.size() != labels.size())
        throw InternalError("bootstrap: " + std::to_string(labels.size()) + " labels, " +
                            std::to_string(predicted.size()) + " predictions, " + std::to_string(unit_of_row.size()) +
                            " units");
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < 0 || labels[i] >= static_cast<int>(label_count) || predicted[i] < 0 ||
            predicted[i] >= static_cast<int>(label_count))
            throw InternalError("bootstrap: row " + std::to_string(i) + " has no label or prediction");
}

void write_interval(JsonWriter& w, const char* name, const Interval& i) {
    w.key(name).begin_array().value(i.lower).value(i.upper).end_array();
}

}  // namespace

const char* resample_unit_name(ResampleUnit unit) { return unit == ResampleUnit::story ? "story" : "row"; }

std::vector<std::uint32_t> resampling_units(const std::vector<std::string>& stories, ResampleUnit unit) {
    std::vector<std::uint32_t> out(stories.size());
    std::unordered_map<std::string, std::uint32_t> seen;
    std::uint32_t next = 0;
    for (std::size_t i = 0; i < stories.size(); ++i) {
        if (unit == ResampleUnit::row || stories[i].empty()) {
            out[i] = next++;
            continue;
        }
        auto [it, added] = seen.emplace(stories[i], next);
        if (added) ++next;
        out[i] = it->second;
    }
    return out;
}

UnitCounts::UnitCounts(const std::vector<std::uint32_t>& unit_of_row, const std::vector<std::uint8_t>& cell_of_row,
                       std::size_t cells)
    : cells_(cells), rows_(unit_of_row.size()) {
    if (cells == 0 || cells > 256 || unit_of_row.size() != cell_of_row.size() || unit_of_row.size() >= (1ull << 32))
        throw InternalError("UnitCounts: " + std::to_string(cells) + " cells, " + std::to_string(unit_of_row.size()) +
                            " units of rows, " + std::to_string(cell_of_row.size()) + " cells of rows");
    std::size_t units = 0;
    for (std::uint32_t u : unit_of_row) units = std::max<std::size_t>(units, u + std::size_t{1});
    // Rows by unit (a counting sort), then each unit's rows as (cell, count) pairs.
    std::vector<std::uint32_t> start(units + 1, 0);
    for (std::uint32_t u : unit_of_row) ++start[u + 1];
    for (std::size_t u = 0; u < units; ++u) start[u + 1] += start[u];
    std::vector<std::uint8_t> sorted(cell_of_row.size());
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < cell_of_row.size(); ++i) {
        if (cell_of_row[i] >= cells) throw InternalError("UnitCounts: row " + std::to_string(i) + " has no cell");
        sorted[fill[unit_of_row[i]]++] = cell_of_row[i];
    }
    std::vector<std::uint32_t> count(cells, 0);
    offsets_.reserve(units + 1);
    for (std::size_t u = 0; u < units; ++u) {
        for (std::uint32_t k = start[u]; k < start[u + 1]; ++k) ++count[sorted[k]];
        for (std::size_t c = 0; c < cells; ++c)
            if (count[c] > 0) {
                cell_.push_back(static_cast<std::uint8_t>(c));
                count_.push_back(count[c]);
                count[c] = 0;
            }
        offsets_.push_back(static_cast<std::uint32_t>(cell_.size()));
    }
}

std::vector<std::uint64_t> UnitCounts::totals() const {
    std::vector<std::uint64_t> t(cells_, 0);
    for (std::size_t u = 0; u < units(); ++u) add_unit(u, t.data());
    return t;
}

std::vector<std::vector<double>> bootstrap(const UnitCounts& units, std::size_t count, const TableStatistics& statistics,
                                           const BootstrapOptions& options) {
    std::vector<std::vector<double>> values(count, std::vector<double>(options.resamples));
    if (units.units() == 0) return values;
    std::vector<std::uint64_t> table(units.cells());
    // Four lanes of a power of two cells each, for rows drawn one at a time.
    std::size_t lane_cells = 1;
    while (lane_cells < units.cells()) lane_cells *= 2;
    std::vector<std::uint64_t> lanes(4 * lane_cells);
    std::vector<double> out(count);
    const std::uint64_t n = units.units();
    for (std::size_t r = 0; r < options.resamples; ++r) {
        SplitMix64 g{options.seed ^ (0xD1B54A32D192ED03ull * (r + 1))};
        std::fill(table.begin(), table.end(), 0);
        if (units.single_rows()) {
            // Four tables in turn, so that consecutive draws of one cell do not wait on each other.
            const std::uint8_t* cell = units.unit_cells();
            const std::size_t c = lane_cells;
            std::fill(lanes.begin(), lanes.end(), 0);
            std::size_t lane = 0;
            draw_units(g, n, [&](std::size_t u) {
                ++lanes[lane + cell[u]];
                lane = (lane + c) & (4 * c - 1);
            });
            for (std::size_t k = 0; k < units.cells(); ++k)
                table[k] = lanes[k] + lanes[c + k] + lanes[2 * c + k] + lanes[3 * c + k];
        } else {
            draw_units(g, n, [&](std::size_t u) { units.add_unit(u, table.data()); });
        }
        statistics(table.data(), out.data());
        for (std::size_t s = 0; s < count; ++s) values[s][r] = out[s];
    }
    return values;
}

Interval percentile_interval(std::vector<double> values, double level) {
    if (values.empty()) return {};
    std::sort(values.begin(), values.end());
    auto quantile = [&](double q) {
        const double h = q * static_cast<double>(values.size() - 1);
        const std::size_t i = static_cast<std::size_t>(std::floor(h));
        if (i + 1 >= values.size()) return values.back();
        return values[i] + (h - static_cast<double>(i)) * (values[i + 1] - values[i]);
    };
    return {quantile((1 - level) / 2), quantile((1 + level) / 2)};
}

double chi_square_1_upper_tail(double x) { return x <= 0 ? 1.0 : std::erfc(std::sqrt(x / 2)); }

double binomial_two_sided_p(std::uint64_t k, std::uint64_t n) {
    if (n == 0) return 1.0;
    const std::uint64_t m = std::min(k, n - k);
    const double dn = static_cast<double>(n);
    double tail = 0;
    for (std::uint64_t i = 0; i <= m; ++i) {
        const double di = static_cast<double>(i);
        tail += std::exp(std::lgamma(dn + 1) - std::lgamma(di + 1) - std::lgamma(dn - di + 1) - dn * std::log(2.0));
    }
    return std::min(1.0, 2 * tail);
}

McNemarTest mcnemar_test(std::uint64_t b, std::uint64_t c) {
    McNemarTest t;
    t.b = b;
    t.c = c;
    const std::uint64_t n = b + c;
    if (n < mcnemar_exact_below) {
        t.exact = true;
        t.p_value = binomial_two_sided_p(b, n);
        return t;
    }
    t.exact = false;
    const double d = std::max(std::fabs(static_cast<double>(b) - static_cast<double>(c)) - 1.0, 0.0);
    t.chi_square = d * d / static_cast<double>(n);
    t.p_value = chi_square_1_upper_tail(t.chi_square);
    return t;
}

ScoreIntervals score_intervals(const std::vector<std::int8_t>& labels, const std::vector<std::int8_t>& predicted,
                               const std::vector<std::uint32_t>& unit_of_row, ResampleUnit unit,
                               const BootstrapOptions& options) {
    check_rows(labels, predicted, unit_of_row);
    std::vector<std::uint8_t> cell(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) cell[i] = static_cast<std::uint8_t>(labels[i] * 4 + predicted[i]);
    const UnitCounts counts(unit_of_row, cell, 16);
    ScoreIntervals s;
    s.unit = unit;
    s.units = counts.units();
    s.resamples = options.resamples;
    s.level = options.level;
    auto values = bootstrap(counts, 2, [](const std::uint64_t* t, double* out) {
        const ConfusionMatrix m = single_confusion(t);
        out[0] = accuracy_of(m);
        out[1] = macro_f1_of(m);
    }, options);
    s.accuracy = percentile_interval(std::move(values[0]), options.level);
    s.macro_f1 = percentile_interval(std::move(values[1]), options.level);
    return s;
}

void write_json(JsonWriter& w, const ScoreIntervals& s) {
    w.begin_object().member("level", s.level).member("resamples", s.resamples);
    w.member("unit", resample_unit_name(s.unit)).member("units", s.units);
    write_interval(w, "accuracy", s.accuracy);
    write_interval(w, "macro_f1", s.macro_f1);
    w.end_object();
}

SystemComparison compare_systems(const std::vector<std::int8_t>& labels, const std::vector<std::int8_t>& predicted_a,
                                 const std::vector<std::int8_t>& predicted_b,
                                 const std::vector<std::uint32_t>& unit_of_row, ResampleUnit unit,
                                 const BootstrapOptions& options) {
    check_rows(labels, predicted_a, unit_of_row);
    check_rows(labels, predicted_b, unit_of_row);
    std::vector<std::uint8_t> cell(labels.size());
    std::uint64_t b = 0, c = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        cell[i] = static_cast<std::uint8_t>(labels[i] * 16 + predicted_a[i] * 4 + predicted_b[i]);
        const bool a_right = predicted_a[i] == labels[i], b_right = predicted_b[i] == labels[i];
        b += a_right && !b_right;
        c += !a_right && b_right;
    }
    const UnitCounts counts(unit_of_row, cell, 64);
    SystemComparison s;
    s.unit = unit;
    s.rows = labels.size();
    s.units = counts.units();
    s.resamples = options.resamples;
    s.level = options.level;
    const std::vector<std::uint64_t> all = counts.totals();
    const ConfusionMatrix ma = paired_confusion(all.data(), 0), mb = paired_confusion(all.data(), 1);
    s.accuracy_a = accuracy_of(ma);
    s.accuracy_b = accuracy_of(mb);
    s.macro_f1_a = macro_f1_of(ma);
    s.macro_f1_b = macro_f1_of(mb);
    s.mcnemar = mcnemar_test(b, c);
    auto values = bootstrap(counts, 6, [](const std::uint64_t* t, double* out) {
        const ConfusionMatrix a = paired_confusion(t, 0), b = paired_confusion(t, 1);
        out[0] = accuracy_of(a);
        out[1] = accuracy_of(b);
        out[2] = out[0] - out[1];
        out[3] = macro_f1_of(a);
        out[4] = macro_f1_of(b);
        out[5] = out[3] - out[4];
    }, options);
    s.accuracy_a_interval = percentile_interval(std::move(values[0]), options.level);
    s.accuracy_b_interval = percentile_interval(std::move(values[1]), options.level);
    s.accuracy_difference = percentile_interval(std::move(values[2]), options.level);
    s.macro_f1_a_interval = percentile_interval(std::move(values[3]), options.level);
    s.macro_f1_b_interval = percentile_interval(std::move(values[4]), options.level);
    s.macro_f1_difference = percentile_interval(std::move(values[5]), options.level);
    return s;
}

void write_json(JsonWriter& w, const SystemComparison& s) {
    const bool intervals = s.resamples > 0;
    w.begin_object().member("b", s.other).member("n", s.rows);
    if (intervals) {
        w.member("level", s.level).member("resamples", s.resamples);
        w.member("unit", resample_unit_name(s.unit)).member("units", s.units);
    }
    auto score = [&](const char* name, double a, double b, const Interval& d, const Interval& ia, const Interval& ib) {
        w.key(name).begin_object().member("a", a).member("b", b).member("difference", a - b);
        if (intervals) {
            write_interval(w, "interval", d);
            write_interval(w, "a_interval", ia);
            write_interval(w, "b_interval", ib);
        }
        w.end_object();
    };
    score("accuracy", s.accuracy_a, s.accuracy_b, s.accuracy_difference, s.accuracy_a_interval, s.accuracy_b_interval);
    score("macro_f1", s.macro_f1_a, s.macro_f1_b, s.macro_f1_difference, s.macro_f1_a_interval, s.macro_f1_b_interval);
    w.key("mcnemar").begin_object().member("b", s.mcnemar.b).member("c", s.mcnemar.c);
    w.member("test", s.mcnemar.exact ? "exact" : "chi-square");
    if (!s.mcnemar.exact) w.member("chi_square", s.mcnemar.chi_square);
    w.member("p_value", s.mcnemar.p_value).end_object();
    w.end_object();
}

}  // namespace newsclf
