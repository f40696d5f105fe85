#include "newsclf/archs/linear.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <thread>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/training/trainer.hpp"

namespace newsclf {

LinearLoss linear_loss(const std::string& name) {
    if (name == "squared_hinge") return LinearLoss::squared_hinge;
    if (name == "logistic") return LinearLoss::logistic;
    throw UsageError("loss: \"" + name + "\" is not one of squared_hinge, logistic");
}

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Big buffers go on transparent huge pages where the kernel gives them on request ("madvise"
// mode): a page fault costs much in a virtual machine, and the solver's random reads miss the
// TLB far less. Only advice: nothing changes where the kernel declines.
template <class T>
void assign_on_huge_pages(std::vector<T>& v, std::size_t n, const T& value) {
    v.reserve(n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto at = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t begin = (at + huge - 1) & ~(huge - 1), end = (at + n * sizeof(T)) & ~(huge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
    v.assign(n, value);
}

// softmax(t * row) of each row of a rows x classes matrix, in place.
void softmax_rows(float* x, std::size_t rows, std::size_t classes, float t) {
    for (std::size_t r = 0; r < rows; ++r) {
        float* p = x + r * classes;
        const float top = *std::max_element(p, p + classes);
        float sum = 0;
        for (std::size_t c = 0; c < classes; ++c) sum += (p[c] = std::exp(t * (p[c] - top)));
        for (std::size_t c = 0; c < classes; ++c) p[c] /= sum;
    }
}

// Runs job(k) for k < jobs on up to `threads` threads; the jobs must be independent. An exception
// of a job is thrown again here, once every thread has stopped.
template <class Job>
void run_jobs(std::size_t jobs, std::size_t threads, const Job& job) {
    if (threads <= 1 || jobs <= 1) {
        for (std::size_t k = 0; k < jobs; ++k) job(k);
        return;
    }
    threads = std::min(threads, jobs);
    std::vector<std::exception_ptr> failures(threads);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            try {
                for (std::size_t k = t; k < jobs; k += threads) job(k);
            } catch (...) {
                failures[t] = std::current_exception();
            }
        });
    for (auto& th : pool) th.join();
    for (auto& f : failures)
        if (f) std::rethrow_exception(f);
}

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

// GCC 12 at -O2 deletes the __builtin_prefetch calls below as dead code; an asm statement stays.
inline void prefetch(const void* p) {
#if defined(__GNUC__) && defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
    __builtin_prefetch(p);
#endif
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
    run_jobs(groups, threads, [&](std::size_t g) {
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

double fit_temperature(const float* scores, const std::int8_t* labels, std::size_t rows, std::size_t classes) {
    constexpr double low = 1e-3, high = 1e3;
    // The first and second derivatives of the mean loss in T: E_p[z] - z_label and Var_p[z].
    auto derivatives = [&](double t, double* second) {
        double d1 = 0, d2 = 0;
        std::size_t n = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            if (labels[r] < 0) continue;
            const float* z = scores + r * classes;
            const double top = *std::max_element(z, z + classes);
            double sum = 0, mean = 0, square = 0;
            for (std::size_t c = 0; c < classes; ++c) {
                const double e = std::exp(t * (z[c] - top));
                sum += e;
                mean += e * z[c];
                square += e * z[c] * z[c];
            }
            mean /= sum;
            d1 += mean - z[labels[r]];
            d2 += std::max(0.0, square / sum - mean * mean);
            ++n;
        }
        if (n == 0) return 0.0;
        *second = d2 / static_cast<double>(n);
        return d1 / static_cast<double>(n);
    };
    double second = 0;
    double d = derivatives(1.0, &second);
    if (d == 0) return 1.0;
    // Newton steps inside a bracket that always holds the minimum; a step that leaves it or does
    // not shrink it enough is replaced by the bracket's geometric midpoint.
    double lo = low, hi = high, t = 1.0;
    if (d > 0) hi = t; else lo = t;
    for (int step = 0; step < 100 && hi / lo > 1 + 1e-9; ++step) {
        double next = second > 0 ? t - d / second : -1;
        if (!(next > lo && next < hi)) next = std::sqrt(lo * hi);
        if (std::fabs(next - t) <= 1e-7 * t) {
            t = next;
            break;
        }
        t = next;
        d = derivatives(t, &second);
        if (d == 0) break;
        (d > 0 ? hi : lo) = t;
    }
    return std::clamp(t, low, high);
}

// --- the network ---

LinearNetwork::LinearNetwork(const LinearShape& shape)
    : ngrams_(shape.vocabulary, shape.ngrams, shape.buckets), classes_(shape.classes) {
    if (classes_ < 2) throw UsageError("a linear model needs at least 2 classes");
    if (shape.buckets > (std::size_t{1} << 26))
        throw UsageError("buckets: at most 2^26 (67108864) for --arch linear, a model file of 700 MB already");
}

std::vector<ParameterBlock> LinearNetwork::parameter_blocks() const {
    std::vector<ParameterBlock> blocks;
    blocks.push_back({"weights", weights_offset(), {features(), classes_}, Storage::f16});
    blocks.push_back({"bias", bias_offset(), {classes_}});
    blocks.push_back({"idf", idf_offset(), {features()}, Storage::f16});
    blocks.push_back({"temperature", temperature_offset(), {1}});
    return blocks;
}

void LinearNetwork::decision_values(const float* params, const TokenBatch& batch, float* scores) const {
    const float* weights = params + weights_offset();
    const float* bias = params + bias_offset();
    const float* idf = params + idf_offset();
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> counts;
    std::vector<float> sums(classes_);
    scratch.reserve(256);
    counts.reserve(256);
    for (std::size_t b = 0; b < batch.size(); ++b) {
        ngrams_.count(batch[b], scratch, counts);
        std::fill(sums.begin(), sums.end(), 0.0f);
        float norm = 0;
        for (const FeatureCount& f : counts) {
            const float tf = f.count == 1 ? 1.0f : 1.0f + std::log(static_cast<float>(f.count));
            const float v = tf * idf[f.index];
            if (v == 0) continue;
            norm += v * v;
            const float* row = weights + static_cast<std::size_t>(f.index) * classes_;
            for (std::size_t c = 0; c < classes_; ++c) sums[c] += v * row[c];
        }
        const float scale = norm > 0 ? 1.0f / std::sqrt(norm) : 0.0f;
        for (std::size_t c = 0; c < classes_; ++c) scores[b * classes_ + c] = sums[c] * scale + bias[c];
    }
}

void LinearNetwork::predict(const float* params, const TokenBatch& batch, float* probabilities) const {
    decision_values(params, batch, probabilities);
    softmax_rows(probabilities, batch.size(), classes_, params[temperature_offset()]);
}

// --- training ---

namespace {

constexpr std::uint32_t no_feature = std::numeric_limits<std::uint32_t>::max();

std::size_t thread_count(const FitOptions& options, std::size_t jobs) {
    std::size_t n = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    return std::max<std::size_t>(1, std::min(n, jobs));
}

std::size_t chunks_for(std::size_t rows, std::size_t threads) {
    return std::max<std::size_t>(1, std::min(threads, rows / 1024 + 1));
}

// The counted features of some corpus rows, each entry's value its count, in row ranges on
// threads. One buffer holds them all: each range writes from where the ranges before it would end
// if every n-gram of theirs were distinct, and the gaps are closed afterwards.
SparseMatrix count_features(const TfidfNgrams& ngrams, const TokenCorpus& corpus, const std::vector<std::size_t>& rows,
                          std::size_t threads) {
    const std::size_t chunks = chunks_for(rows.size(), threads);
    auto first_row = [&](std::size_t k) { return rows.size() * k / chunks; };
    std::vector<std::uint64_t> bound(chunks + 1, 0), used(chunks, 0);
    for (std::size_t k = 0; k < chunks; ++k) {
        bound[k + 1] = bound[k];
        for (std::size_t i = first_row(k); i < first_row(k + 1); ++i) bound[k + 1] += corpus.length(rows[i]) * ngrams.ngrams();
    }
    SparseMatrix x;
    assign_on_huge_pages(x.entries, bound[chunks], SparseEntry{});
    x.offsets.assign(rows.size() + 1, 0);
    run_jobs(chunks, chunks, [&](std::size_t k) {
        std::vector<std::uint32_t> scratch;
        std::vector<FeatureCount> counts;
        std::uint64_t at = bound[k];
        for (std::size_t i = first_row(k); i < first_row(k + 1); ++i) {
            const std::size_t r = rows[i];
            ngrams.count({corpus.tokens_of(r), corpus.length(r)}, scratch, counts);
            for (const FeatureCount& f : counts) x.entries[at++] = {f.index, static_cast<float>(f.count)};
            x.offsets[i + 1] = at;
        }
        used[k] = at - bound[k];
    });
    std::uint64_t end = used[0];
    for (std::size_t k = 1; k < chunks; ++k) {
        std::memmove(x.entries.data() + end, x.entries.data() + bound[k], used[k] * sizeof(SparseEntry));
        for (std::size_t i = first_row(k); i < first_row(k + 1); ++i) x.offsets[i + 1] -= bound[k] - end;
        end += used[k];
    }
    x.entries.resize(end);
    return x;
}

// Document frequencies in, the features' new numbers out (no_feature for those no training row
// has): by falling document frequency, ties by index, so that the weights most visits of the
// solver touch share a few cache lines. Returns the features in their new order.
std::vector<std::uint32_t> renumber_by_frequency(std::vector<std::uint32_t>& df, std::size_t documents) {
    std::vector<std::uint32_t> first(documents + 2, 0);  // a counting sort on documents - df
    for (std::uint32_t d : df)
        if (d > 0) ++first[documents - d + 1];
    for (std::size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
    std::vector<std::uint32_t> order(first.back());
    for (std::size_t j = 0; j < df.size(); ++j) {
        if (df[j] == 0) {
            df[j] = no_feature;
            continue;
        }
        const std::uint32_t k = first[documents - df[j]]++;
        order[k] = static_cast<std::uint32_t>(j);
        df[j] = k;
    }
    return order;
}

// Counts to TF-IDF values (TfidfNgrams::values), renumbered by `number`; features it lacks (the
// idf is 0 for them) dropped, in a last pass when there are any.
void counts_to_tfidf(SparseMatrix& x, const float* idf, const std::vector<std::uint32_t>& number, std::size_t threads) {
    const std::size_t rows = x.size(), chunks = chunks_for(rows, threads);
    std::vector<char> dropped(chunks, 0);
    run_jobs(chunks, chunks, [&](std::size_t k) {
        std::vector<FeatureCount> counts;
        std::vector<float> values;
        for (std::size_t r = rows * k / chunks; r < rows * (k + 1) / chunks; ++r) {
            SparseEntry* e = x.entries.data() + x.offsets[r];
            const std::size_t n = x.offsets[r + 1] - x.offsets[r];
            counts.resize(n);
            values.resize(n);
            for (std::size_t i = 0; i < n; ++i) counts[i] = {e[i].index, static_cast<std::uint32_t>(e[i].value)};
            TfidfNgrams::values(counts.data(), n, idf, values.data());
            for (std::size_t i = 0; i < n; ++i) {
                e[i] = {number[e[i].index], values[i]};
                dropped[k] |= e[i].index == no_feature;
            }
        }
    });
    if (std::none_of(dropped.begin(), dropped.end(), [](char d) { return d; })) return;
    std::uint64_t end = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::uint64_t begin = x.offsets[r];
        x.offsets[r] = end;
        for (std::uint64_t k = begin; k < x.offsets[r + 1]; ++k)
            if (x.entries[k].index != no_feature) x.entries[end++] = x.entries[k];
    }
    x.offsets[rows] = end;
    x.entries.resize(end);
}

std::vector<float> scores_of(const SparseMatrix& x, const std::vector<float>& weights, const float* bias, std::size_t classes) {
    std::vector<float> scores(x.size() * classes);
    for (std::size_t r = 0; r < x.size(); ++r) {
        float* s = scores.data() + r * classes;
        for (std::size_t c = 0; c < classes; ++c) s[c] = bias[c];
        for (std::uint64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
            const float* row = weights.data() + static_cast<std::size_t>(x.entries[k].index) * classes;
            for (std::size_t c = 0; c < classes; ++c) s[c] += x.entries[k].value * row[c];
        }
    }
    return scores;
}

Evaluation evaluate_scores(std::vector<float> scores, float temperature, const TokenCorpus& corpus,
                           const std::vector<std::size_t>& rows) {
    softmax_rows(scores.data(), rows.size(), label_count, temperature);
    return evaluate_probabilities(scores, corpus, rows);
}

std::vector<std::int8_t> labels_of(const TokenCorpus& corpus, const std::vector<std::size_t>& rows) {
    std::vector<std::int8_t> labels(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) labels[i] = corpus.labels[rows[i]];
    return labels;
}

}  // namespace

std::vector<EpochResult> train_linear(const LinearNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                      const DataSplit& split, const FitOptions& options) {
    if (split.train.empty()) throw DataError("no training rows: the input is empty or everything went to validation");
    if (network.classes() != label_count) throw InternalError("the linear network needs 4 classes");
    const auto start = std::chrono::steady_clock::now();
    const std::size_t features = network.features(), classes = network.classes();
    const std::size_t threads = thread_count(options, classes);
    params.clear();
    assign_on_huge_pages(params, network.parameter_count(), 0.0f);

    SparseMatrix train_x = count_features(network.ngrams(), corpus, split.train, threads);
    SparseMatrix validation_x = count_features(network.ngrams(), corpus, split.validation, threads);
    // idf from the training rows, rounded as the model file keeps it, so that training sees the
    // values prediction computes.
    std::vector<std::uint32_t> number;
    assign_on_huge_pages(number, features, 0u);
    for (const SparseEntry& e : train_x.entries) ++number[e.index];
    float* idf = params.data() + network.idf_offset();
    for (std::size_t j = 0; j < features; ++j) idf[j] = round_to_half(smooth_idf(number[j], split.train.size()));
    // The solver's weights cover only the features the training rows have.
    const std::vector<std::uint32_t> original = renumber_by_frequency(number, split.train.size());
    counts_to_tfidf(train_x, idf, number, threads);
    counts_to_tfidf(validation_x, idf, number, threads);
    log_verbose("linear: " + std::to_string(train_x.entries.size()) + " non-zero features in " +
                std::to_string(train_x.size()) + " training rows, " + std::to_string(original.size()) + " of " +
                std::to_string(features) + " features used");

    const std::vector<std::int8_t> train_labels = labels_of(corpus, split.train);
    SolverSettings settings;
    settings.loss = linear_loss(options.loss);
    settings.c = options.c;
    settings.tolerance = options.tolerance;
    settings.max_passes = options.epochs;
    settings.seed = options.seed + 3;  // training.cpp draws from seed + 1 and seed + 2
    const std::vector<BinarySolution> solutions =
        solve_one_vs_rest(train_x, original.size(), train_labels, classes, settings, threads);
    std::size_t passes = 0;
    for (std::size_t c = 0; c < classes; ++c) {
        const BinarySolution& s = solutions[c];
        passes += s.passes;
        const std::string what = "linear: class " + std::string(label_codes[c]) + ": " + std::to_string(s.passes) + " passes";
        if (s.converged)
            log_verbose(what + ", converged");
        else
            log_info(what + " without reaching the tolerance " + json_number(options.tolerance) +
                     "; more --epochs or a larger --tolerance would let it finish");
    }

    // Weights as the file keeps them (f16), in the solver's numbering too for the scores below.
    std::vector<float> compact_weights;
    assign_on_huge_pages(compact_weights, original.size() * classes, 0.0f);
    float* weights = params.data() + network.weights_offset();
    float* bias = params.data() + network.bias_offset();
    for (std::size_t k = 0; k < original.size(); ++k)
        for (std::size_t c = 0; c < classes; ++c) {
            const float w = round_to_half(solutions[c].weights[k]);
            compact_weights[k * classes + c] = w;
            weights[static_cast<std::size_t>(original[k]) * classes + c] = w;
        }
    for (std::size_t c = 0; c < classes; ++c) bias[c] = static_cast<float>(solutions[c].bias);

    const std::vector<float> train_scores = scores_of(train_x, compact_weights, bias, classes);
    const std::vector<float> validation_scores = scores_of(validation_x, compact_weights, bias, classes);
    const bool on_validation = !split.validation.empty();
    const std::vector<std::int8_t> validation_labels = labels_of(corpus, split.validation);
    const float temperature = static_cast<float>(
        on_validation ? fit_temperature(validation_scores.data(), validation_labels.data(), split.validation.size(), classes)
                      : fit_temperature(train_scores.data(), train_labels.data(), split.train.size(), classes));
    params[network.temperature_offset()] = temperature;
    log_verbose("linear: temperature " + json_number(temperature) + " from the " +
                (on_validation ? "validation" : "training") + " rows");

    EpochResult r;
    r.epoch = 1;
    r.epochs = 1;
    r.steps = passes;
    r.train = evaluate_scores(train_scores, temperature, corpus, split.train);
    r.validation = evaluate_scores(validation_scores, temperature, corpus, split.validation);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {r};
}

namespace {

LinearShape linear_shape(const Model& m) {
    LinearShape shape;
    shape.vocabulary = m.vocabulary.size();
    shape.ngrams = m.options.ngrams;
    shape.buckets = m.options.buckets;
    shape.classes = label_count;
    return shape;
}

}  // namespace

Architecture linear_architecture() {
    Architecture a;
    a.name = "linear";
    a.help = "TF-IDF of word n-grams (hashed beyond single words) and a linear SVM or logistic regression per class, as "
             "scikit-learn's TfidfVectorizer + LinearSVC";
    a.defaults = {{"max_words", "0"},        {"ngrams", "2"}, {"buckets", "2097152"}, {"c", "0.7"},
                  {"tolerance", "0.5"},      {"epochs", "1000"}, {"validation_split", "0"}};
    a.needs_pretrained = false;
    a.network = [](const Model& m) -> std::unique_ptr<Network> { return std::make_unique<LinearNetwork>(linear_shape(m)); };
    a.train = [](Model& m, const TrainingData& data) {
        LinearNetwork network(linear_shape(m));
        auto history = train_linear(network, m.parameters, data.corpus, data.split, m.options);
        if (data.on_epoch)
            for (const auto& e : history) data.on_epoch(e);
        return history;
    };
    return a;
}

}  // namespace newsclf
