// The dual coordinate descent: K problems over the same rows in one sweep, rows and weights laid
// out for the cache, the next rows prefetched.
#include "newsclf/nn/linear_solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "newsclf/base/error.hpp"
#include "newsclf/base/huge_pages.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/base/prefetch.hpp"
#include "newsclf/base/random.hpp"

namespace newsclf {

LinearLoss linear_loss(const std::string& name) {
    if (name == "squared_hinge") return LinearLoss::squared_hinge;
    if (name == "logistic") return LinearLoss::logistic;
    throw UsageError("loss: \"" + name + "\" is not one of squared_hinge, logistic");
}

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// A row as a sweep over K problems visits it, in one cache line (32 bytes for K up to 2): where
// its entries are, for which problems it is positive and still active (not shrunk), and its
// dual variable in each (for logistic, alpha of the pair alpha, c - alpha).
template <std::size_t K>
struct alignas(K <= 2 ? 32 : 64) SweepRow {
    std::uint32_t begin;    // of its entries
    std::uint32_t length;
    float squared_norm;     // with the intercept feature
    std::uint8_t positive;  // bit p: y = +1 in problem p
    std::uint8_t active;    // bit p: not shrunk out of problem p
    double alpha[K];
};

// Weights of K problems interleaved by feature, [features, K], so that a visit to a feature
// reads and writes all K in one cache line.
template <std::size_t K>
struct SweepState {
    const SparseEntry* entries;
    std::vector<SweepRow<K>> rows;
    std::vector<std::uint32_t> order;  // a permutation of the rows: the active ones first
    std::vector<float> weights;
    float bias[K] = {};
    const SparseEntry* begin(const SweepRow<K>& r) const { return entries + r.begin; }
};

template <std::size_t K>
SweepState<K> sweep_state(const SparseMatrix& x, std::size_t features, const std::vector<const std::vector<std::int8_t>*>& labels) {
    SweepState<K> st;
    st.entries = x.entries.data();
    assign_on_huge_pages(st.rows, x.size(), SweepRow<K>{});
    st.order.resize(x.size());
    assign_on_huge_pages(st.weights, features * K, 0.0f);
    for (std::size_t i = 0; i < x.size(); ++i) {
        SweepRow<K>& r = st.rows[i];
        r.begin = static_cast<std::uint32_t>(x.offsets[i]);
        r.length = static_cast<std::uint32_t>(x.offsets[i + 1] - x.offsets[i]);
        r.positive = 0;
        for (std::size_t p = 0; p < K; ++p) r.positive |= static_cast<std::uint8_t>(((*labels[p])[i] > 0) << p);
        r.active = static_cast<std::uint8_t>((1u << K) - 1);
        double norm = 1.0;  // the intercept feature
        for (const SparseEntry* e = st.begin(r); e != st.begin(r) + r.length; ++e) norm += static_cast<double>(e->value) * e->value;
        r.squared_norm = static_cast<float>(norm);
        for (std::size_t p = 0; p < K; ++p) r.alpha[p] = 0;
        st.order[i] = static_cast<std::uint32_t>(i);
    }
    return st;
}

// w_p . x_i + b_p for each problem p.
template <std::size_t K>
inline void margins(const SweepState<K>& st, const SweepRow<K>& r, float* m) {
    for (std::size_t p = 0; p < K; ++p) m[p] = st.bias[p];
    const SparseEntry* e = st.begin(r);
    for (std::uint32_t k = 0; k < r.length; ++k) {
        const float* wk = st.weights.data() + static_cast<std::size_t>(e[k].index) * K;
        for (std::size_t p = 0; p < K; ++p) m[p] += wk[p] * e[k].value;
    }
}

// w_p += d_p x_i, b_p += d_p.
template <std::size_t K>
inline void add_row(const float* d, const SweepRow<K>& r, SweepState<K>& st) {
    const SparseEntry* e = st.begin(r);
    for (std::uint32_t k = 0; k < r.length; ++k) {
        float* wk = st.weights.data() + static_cast<std::size_t>(e[k].index) * K;
        for (std::size_t p = 0; p < K; ++p) wk[p] += d[p] * e[k].value;
    }
    for (std::size_t p = 0; p < K; ++p) st.bias[p] += d[p];
}

// The visits are random, so each is a wait on memory: fetch the row a few visits ahead, its
// entries nearer, and the weights those entries touch nearer still.
template <std::size_t K>
inline void prefetch_ahead(const SweepState<K>& st, std::size_t k, std::size_t active) {
    const std::uint32_t* order = st.order.data();
    if (k + 12 < active) prefetch(&st.rows[order[k + 12]]);
    if (k + 6 < active) {
        const SweepRow<K>& r = st.rows[order[k + 6]];
        prefetch(st.begin(r));
        prefetch(st.begin(r) + r.length / 2);
        prefetch(st.begin(r) + r.length - 1);
    }
    if (k + 3 < active) {
        const SweepRow<K>& r = st.rows[order[k + 3]];
        const SparseEntry* e = st.begin(r);
        for (std::uint32_t j = 0; j < r.length; ++j) prefetch(st.weights.data() + static_cast<std::size_t>(e[j].index) * K);
    }
}

void shuffle_prefix(std::vector<std::uint32_t>& order, std::size_t n, PythonRandom& rng) {
    for (std::size_t i = 0; i + 1 < n; ++i) std::swap(order[i], order[i + rng.randbelow(n - i)]);
}

template <std::size_t K>
std::vector<BinarySolution> solutions_of(const SweepState<K>& st, std::size_t features, const std::size_t* passes,
                                         const bool* converged) {
    std::vector<BinarySolution> out(K);
    for (std::size_t p = 0; p < K; ++p) {
        out[p].weights.resize(features);
        for (std::size_t j = 0; j < features; ++j) out[p].weights[j] = st.weights[j * K + p];
        out[p].bias = st.bias[p];
        out[p].passes = passes[p];
        out[p].converged = converged[p];
    }
    return out;
}

// LIBLINEAR's solve_l2r_l1l2_svc for the squared hinge, for K problems over the same rows at
// once: for each, the dual
//   min_a 0.5 a'(Q + D)a - sum a,  a >= 0,  Q_ij = y_i y_j (x_i . x_j + 1),  D = 0.5 / c,
// one coordinate at a time. A row whose gradient shows it stays at 0 is shrunk out of a
// problem's passes; a problem whose projected gradients span at most the tolerance over a pass
// takes every row back for a last check, and stops when that pass is within the tolerance too.
// A pass visits the rows active in any problem in a random order; each problem sees its own
// active rows in that order, as if alone. Weights are floats: half the memory traffic, and far
// finer than any tolerance worth asking.
template <std::size_t K>
std::vector<BinarySolution> sweep_squared_hinge(const SparseMatrix& x, std::size_t features,
                                                const std::vector<const std::vector<std::int8_t>*>& labels,
                                                const SolverSettings& s) {
    const std::size_t l = x.size();
    SweepState<K> st = sweep_state<K>(x, features, labels);
    const double diag = 0.5 / s.c;
    double pg_max_old[K];
    std::size_t active_in[K], passes[K] = {};
    bool converged[K] = {};
    for (std::size_t p = 0; p < K; ++p) {
        pg_max_old[p] = infinity;
        active_in[p] = l;
    }
    std::uint8_t live = s.max_passes > 0 ? static_cast<std::uint8_t>((1u << K) - 1) : 0;  // problems still training
    std::size_t active = l;
    PythonRandom rng(s.seed);
    while (live) {
        double pg_max_new[K], pg_min_new[K];
        for (std::size_t p = 0; p < K; ++p) {
            pg_max_new[p] = -infinity;
            pg_min_new[p] = infinity;
        }
        shuffle_prefix(st.order, active, rng);
        for (std::size_t k = 0; k < active;) {
            prefetch_ahead(st, k, active);
            SweepRow<K>& r = st.rows[st.order[k]];
            if (!(r.active & live)) {  // out of every live problem
                std::swap(st.order[k], st.order[--active]);
                continue;
            }
            float m[K], d[K];
            margins(st, r, m);
            bool step = false;
            for (std::size_t p = 0; p < K; ++p) {
                d[p] = 0;
                const std::uint8_t bit = static_cast<std::uint8_t>(1u << p);
                if (!(r.active & live & bit)) continue;
                const double y = (r.positive & bit) ? 1.0 : -1.0;
                const double g = y * m[p] - 1.0 + r.alpha[p] * diag;
                double pg = g;
                if (r.alpha[p] == 0) {
                    if (g > pg_max_old[p]) {  // shrink: it will stay at 0
                        r.active &= static_cast<std::uint8_t>(~bit);
                        --active_in[p];
                        continue;
                    }
                    pg = std::min(g, 0.0);
                }
                pg_max_new[p] = std::max(pg_max_new[p], pg);
                pg_min_new[p] = std::min(pg_min_new[p], pg);
                if (std::fabs(pg) > 1e-12) {
                    const double old = r.alpha[p];
                    r.alpha[p] = std::max(old - g / (r.squared_norm + diag), 0.0);
                    d[p] = static_cast<float>((r.alpha[p] - old) * y);
                    step = true;
                }
            }
            if (step) add_row(d, r, st);
            ++k;
        }
        for (std::size_t p = 0; p < K; ++p) {
            const std::uint8_t bit = static_cast<std::uint8_t>(1u << p);
            if (!(live & bit)) continue;
            ++passes[p];
            if (pg_max_new[p] - pg_min_new[p] <= s.tolerance) {
                if (active_in[p] == l) {
                    converged[p] = true;
                    live &= static_cast<std::uint8_t>(~bit);
                    continue;
                }
                for (auto& r : st.rows) r.active |= bit;  // unshrink and check every row once more
                active_in[p] = l;
                active = l;
                pg_max_old[p] = infinity;
            } else {
                pg_max_old[p] = pg_max_new[p] <= 0 ? infinity : pg_max_new[p];
            }
            if (passes[p] >= s.max_passes) live &= static_cast<std::uint8_t>(~bit);
        }
    }
    return solutions_of(st, features, passes, converged);
}

// solve_one_vs_rest_cocoa's rounds for K problems. The sweep state's weights are this rank's
// view w + sigma' dw of the round, so that a step is the one-rank solver's with Q_ii scaled by
// sigma' and the view moved by sigma' times the step; dw comes back as (view - w) / sigma'.
template <std::size_t K>
std::vector<BinarySolution> cocoa_squared_hinge(const SparseMatrix& x, std::size_t features,
                                                const std::vector<const std::vector<std::int8_t>*>& labels,
                                                const SolverSettings& s, const RankReductions& ranks) {
    const std::size_t l = x.size();
    SweepState<K> st = sweep_state<K>(x, features, labels);
    const double sigma = static_cast<double>(ranks.ranks), diag = 0.5 / s.c;
    // w, then the biases; and the buffer of the round's dw, laid out alike.
    std::vector<float> w, dw;
    assign_on_huge_pages(w, features * K + K, 0.0f);
    assign_on_huge_pages(dw, features * K + K, 0.0f);
    std::size_t passes[K] = {};
    bool converged[K] = {};
    std::uint8_t live = s.max_passes > 0 ? static_cast<std::uint8_t>((1u << K) - 1) : 0;
    PythonRandom rng(s.seed + ranks.rank);
    for (std::size_t round = 1; live; ++round) {
        // The largest projected gradient of each problem, then the negated smallest.
        double span[2 * K];
        std::fill(span, span + 2 * K, -infinity);
        shuffle_prefix(st.order, l, rng);
        for (std::size_t k = 0; k < l; ++k) {
            prefetch_ahead(st, k, l);
            SweepRow<K>& r = st.rows[st.order[k]];
            float m[K], d[K];
            margins(st, r, m);
            bool step = false;
            for (std::size_t p = 0; p < K; ++p) {
                d[p] = 0;
                const std::uint8_t bit = static_cast<std::uint8_t>(1u << p);
                if (!(live & bit)) continue;
                const double y = (r.positive & bit) ? 1.0 : -1.0;
                const double g = y * m[p] - 1.0 + r.alpha[p] * diag;
                const double pg = r.alpha[p] == 0 ? std::min(g, 0.0) : g;
                span[p] = std::max(span[p], pg);
                span[K + p] = std::max(span[K + p], -pg);
                if (std::fabs(pg) > 1e-12) {
                    const double old = r.alpha[p];
                    r.alpha[p] = std::max(old - g / (sigma * r.squared_norm + diag), 0.0);
                    d[p] = static_cast<float>(sigma * (r.alpha[p] - old) * y);
                    step = true;
                }
            }
            if (step) add_row(d, r, st);
        }
        const std::size_t n = features * K;
        for (std::size_t j = 0; j < n; ++j) dw[j] = static_cast<float>((st.weights[j] - w[j]) / sigma);
        for (std::size_t p = 0; p < K; ++p) dw[n + p] = static_cast<float>((st.bias[p] - w[n + p]) / sigma);
        ranks.sum(dw.data(), dw.size());
        ranks.max(span, 2 * K);
        for (std::size_t j = 0; j < n; ++j) st.weights[j] = w[j] += dw[j];
        for (std::size_t p = 0; p < K; ++p) st.bias[p] = w[n + p] += dw[n + p];

        double widest = 0;
        for (std::size_t p = 0; p < K; ++p) {
            const std::uint8_t bit = static_cast<std::uint8_t>(1u << p);
            if (!(live & bit)) continue;
            ++passes[p];
            const double width = span[p] + span[K + p];
            widest = std::max(widest, width);
            if (width <= s.tolerance) {
                converged[p] = true;
                live &= static_cast<std::uint8_t>(~bit);
            } else if (passes[p] >= s.max_passes) {
                live &= static_cast<std::uint8_t>(~bit);
            }
        }
        if (round % 10 == 0 || !live)
            log_verbose("linear: round " + std::to_string(round) + " on " + std::to_string(ranks.ranks) +
                        " ranks, widest projected-gradient span " + json_number(widest) + " (tolerance " +
                        json_number(s.tolerance) + ")");
    }
    return solutions_of(st, features, passes, converged);
}

// LIBLINEAR's solve_l2r_lr_dual, for K problems over the same rows at once: for each, the dual
//   min_a 0.5 a'Qa + sum a_i ln a_i + (c - a_i) ln(c - a_i),  0 < a < c,
// one coordinate at a time, each a few Newton steps on a one-variable problem (in a_i or in
// c - a_i, whichever is nearer its optimum, for precision), the inner tolerance tightening as
// passes need fewer Newton steps; a problem stops when no gradient of a pass exceeds the tolerance.
template <std::size_t K>
std::vector<BinarySolution> sweep_logistic(const SparseMatrix& x, std::size_t features,
                                           const std::vector<const std::vector<std::int8_t>*>& labels,
                                           const SolverSettings& s) {
    const std::size_t l = x.size();
    const double c = s.c;
    SweepState<K> st = sweep_state<K>(x, features, labels);
    const double start = std::min(0.001 * c, 1e-8);
    for (auto& r : st.rows) {
        float d[K];
        for (std::size_t p = 0; p < K; ++p) {
            r.alpha[p] = start;
            d[p] = static_cast<float>(((r.positive >> p) & 1 ? 1.0 : -1.0) * start);
        }
        add_row(d, r, st);
    }
    constexpr int max_inner = 100;
    constexpr double eta = 0.1;
    double inner_tolerance[K];
    const double inner_tolerance_min = std::min(1e-8, s.tolerance);
    std::size_t passes[K] = {};
    bool converged[K] = {};
    for (std::size_t p = 0; p < K; ++p) inner_tolerance[p] = 1e-2;
    std::uint8_t live = s.max_passes > 0 ? static_cast<std::uint8_t>((1u << K) - 1) : 0;
    PythonRandom rng(s.seed);
    while (live) {
        shuffle_prefix(st.order, l, rng);
        std::size_t newton_steps[K] = {};
        double g_max[K] = {};
        for (std::size_t k = 0; k < l; ++k) {
            prefetch_ahead(st, k, l);
            SweepRow<K>& r = st.rows[st.order[k]];
            float m[K], d[K];
            margins(st, r, m);
            bool step = false;
            for (std::size_t p = 0; p < K; ++p) {
                d[p] = 0;
                if (!((live >> p) & 1)) continue;
                const double y = (r.positive >> p) & 1 ? 1.0 : -1.0;
                const double a = r.squared_norm, b = y * m[p];
                // g(z) = z ln z + (c - z) ln(c - z) + 0.5 a (z - z_old)^2 + sign b (z - z_old), z = alpha
                // (sign 1) or c - alpha (sign -1).
                double sign = 1, old = r.alpha[p];
                if (0.5 * a * ((c - r.alpha[p]) - r.alpha[p]) + b < 0) {
                    sign = -1;
                    old = c - r.alpha[p];
                }
                double z = old;
                if (c - z < 0.5 * c) z *= 0.1;
                double gp = a * (z - old) + sign * b + std::log(z / (c - z));
                g_max[p] = std::max(g_max[p], std::fabs(gp));
                int inner = 0;
                while (inner <= max_inner && std::fabs(gp) >= inner_tolerance[p]) {
                    const double gpp = a + c / (c - z) / z;
                    const double next = z - gp / gpp;
                    z = next <= 0 ? z * eta : next;
                    gp = a * (z - old) + sign * b + std::log(z / (c - z));
                    ++newton_steps[p];
                    ++inner;
                }
                if (inner > 0) {
                    r.alpha[p] = sign > 0 ? z : c - z;
                    d[p] = static_cast<float>(sign * (z - old) * y);
                    step = true;
                }
            }
            if (step) add_row(d, r, st);
        }
        for (std::size_t p = 0; p < K; ++p) {
            const std::uint8_t bit = static_cast<std::uint8_t>(1u << p);
            if (!(live & bit)) continue;
            ++passes[p];
            if (g_max[p] < s.tolerance) {
                converged[p] = true;
                live &= static_cast<std::uint8_t>(~bit);
                continue;
            }
            if (newton_steps[p] <= l / 10) inner_tolerance[p] = std::max(inner_tolerance_min, 0.1 * inner_tolerance[p]);
            if (passes[p] >= s.max_passes) live &= static_cast<std::uint8_t>(~bit);
        }
    }
    return solutions_of(st, features, passes, converged);
}

template <std::size_t K>
std::vector<BinarySolution> sweep(const SparseMatrix& x, std::size_t features,
                                  const std::vector<const std::vector<std::int8_t>*>& labels, const SolverSettings& s) {
    return s.loss == LinearLoss::squared_hinge ? sweep_squared_hinge<K>(x, features, labels, s)
                                               : sweep_logistic<K>(x, features, labels, s);
}

void check_problem(const SparseMatrix& x, std::size_t features, const std::vector<std::int8_t>& labels,
                   const SolverSettings& settings) {
    if (labels.size() != x.size()) throw InternalError("one label per row needed");
    if (!(settings.c > 0)) throw UsageError("c must be above 0");
    if (x.entries.size() > std::numeric_limits<std::uint32_t>::max())
        throw DataError("too many features for the linear solver: more than 2^32 non-zero values in the training rows");
    for (const SparseEntry& e : x.entries)
        if (e.index >= features) throw InternalError("a feature index beyond the weights");
}

}  // namespace

BinarySolution solve_binary(const SparseMatrix& x, std::size_t features, const std::vector<std::int8_t>& labels,
                            const SolverSettings& settings) {
    check_problem(x, features, labels, settings);
    return std::move(sweep<1>(x, features, {&labels}, settings)[0]);
}

std::vector<BinarySolution> solve_one_vs_rest(const SparseMatrix& x, std::size_t features,
                                              const std::vector<std::int8_t>& labels, std::size_t classes,
                                              const SolverSettings& settings, std::size_t threads) {
    check_problem(x, features, labels, settings);
    const std::size_t groups = (classes + classes_per_sweep - 1) / classes_per_sweep;
    std::vector<std::vector<std::int8_t>> y(groups * classes_per_sweep, std::vector<std::int8_t>(labels.size(), -1));
    for (std::size_t c = 0; c < classes; ++c)
        for (std::size_t i = 0; i < labels.size(); ++i) y[c][i] = labels[i] == static_cast<std::int8_t>(c) ? 1 : -1;
    std::vector<BinarySolution> out(groups * classes_per_sweep);
    parallel_for(threads, groups, [&](std::size_t g) {
        SolverSettings s = settings;
        s.seed = settings.seed + g;
        std::vector<const std::vector<std::int8_t>*> group;
        for (std::size_t p = 0; p < classes_per_sweep; ++p) group.push_back(&y[g * classes_per_sweep + p]);
        auto solved = sweep<classes_per_sweep>(x, features, group, s);
        for (std::size_t p = 0; p < classes_per_sweep; ++p) out[g * classes_per_sweep + p] = std::move(solved[p]);
    });
    out.resize(classes);
    return out;
}

std::vector<BinarySolution> solve_one_vs_rest_cocoa(const SparseMatrix& x, std::size_t features,
                                                    const std::vector<std::int8_t>& labels, std::size_t classes,
                                                    const SolverSettings& settings, const RankReductions& ranks) {
    check_problem(x, features, labels, settings);
    if (settings.loss != LinearLoss::squared_hinge)
        throw UsageError("loss: only squared_hinge trains on several ranks");
    if (classes > cocoa_classes) throw InternalError("CoCoA+: at most " + std::to_string(cocoa_classes) + " classes");
    // Problems beyond the classes have no positive row, and are dropped at the end.
    std::vector<std::vector<std::int8_t>> y(cocoa_classes, std::vector<std::int8_t>(labels.size(), -1));
    std::vector<const std::vector<std::int8_t>*> problems;
    for (std::size_t c = 0; c < cocoa_classes; ++c) {
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (labels[i] == static_cast<std::int8_t>(c)) y[c][i] = 1;
        problems.push_back(&y[c]);
    }
    std::vector<BinarySolution> out = cocoa_squared_hinge<cocoa_classes>(x, features, problems, settings, ranks);
    out.resize(classes);
    return out;
}

double primal_objective(const SparseMatrix& x, const std::vector<std::int8_t>& labels, const std::vector<float>& w,
                        double bias, LinearLoss loss, double c) {
    double sum = bias * bias;
    for (double v : w) sum += v * v;
    double objective = 0.5 * sum, losses = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        double dot = bias;
        for (std::uint64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k)
            dot += static_cast<double>(w[x.entries[k].index]) * x.entries[k].value;
        const double m = (labels[i] > 0 ? 1.0 : -1.0) * dot;
        if (loss == LinearLoss::squared_hinge) {
            const double h = std::max(0.0, 1.0 - m);
            losses += h * h;
        } else {
            losses += m > 0 ? std::log1p(std::exp(-m)) : -m + std::log1p(std::exp(m));
        }
    }
    return objective + c * losses;
}

}  // namespace newsclf
