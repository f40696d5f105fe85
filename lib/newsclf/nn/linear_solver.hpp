// Binary linear classifiers on sparse rows by dual coordinate descent, as LIBLINEAR's
// L2R_L2LOSS_SVC_DUAL (squared hinge, scikit-learn's LinearSVC) and L2R_LR_DUAL (logistic), with
// an intercept feature of value 1; one-vs-rest over classes, several problems per sweep.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "newsclf/nn/sparse_matrix.hpp"

namespace newsclf {

enum class LinearLoss { squared_hinge, logistic };
LinearLoss linear_loss(const std::string& name);  // "squared_hinge" or "logistic"

struct SolverSettings {
    LinearLoss loss = LinearLoss::squared_hinge;
    double c = 1.0;
    double tolerance = 1e-4;
    std::size_t max_passes = 1000;
    std::uint64_t seed = 0;  // of the row order of each pass
};

struct BinarySolution {
    std::vector<float> weights;  // one per feature
    double bias = 0;
    std::size_t passes = 0;
    bool converged = false;
};

// Minimises 0.5 (|w|^2 + b^2) + c * sum_i loss(y_i (w . x_i + b)), y_i = +1 or -1 (labels > 0 are
// +1), loss(m) = max(0, 1 - m)^2 or ln(1 + e^-m), by coordinate descent on the dual, one row at a
// time in a new random order each pass. Squared hinge: LIBLINEAR's solver with shrinking, stopping
// once the projected gradients of a pass span at most the tolerance over all rows. Logistic:
// LIBLINEAR's, Newton steps per coordinate, stopping once no gradient of a pass exceeds it.
BinarySolution solve_binary(const SparseMatrix& x, std::size_t features, const std::vector<std::int8_t>& labels,
                            const SolverSettings& settings);
// One problem per class (labels[i] == c is +1 in problem c), solved as above, the problems of
// classes_per_sweep classes at once in one sweep over the rows (the pass order of group g drawn
// from settings.seed + g), the groups on up to `threads` threads: the same solutions whatever
// their number.
inline constexpr std::size_t classes_per_sweep = 2;
std::vector<BinarySolution> solve_one_vs_rest(const SparseMatrix& x, std::size_t features,
                                              const std::vector<std::int8_t>& labels, std::size_t classes,
                                              const SolverSettings& settings, std::size_t threads);
// The ranks that solve one problem together, each from its shard of the rows: reductions over
// them, in place, the same result on every rank.
struct RankReductions {
    std::size_t rank = 0, ranks = 1;
    std::function<void(float*, std::size_t)> sum;
    std::function<void(double*, std::size_t)> max;
};
// The problems of solve_one_vs_rest (squared hinge only, up to cocoa_classes classes) over the
// rows of all ranks, x this rank's shard, by CoCoA+ (Ma, Smith, Jaggi et al., "adding" aggregation,
// sigma' = the number of ranks): w the same on every rank; a round is one pass of this rank's
// dual coordinate descent over its shard for all the problems at once, on the local subproblem
//   g = y_i x_i . (w + sigma' dw) - 1 + D alpha_i,  alpha_i <- max(alpha_i - g / (sigma' Q_ii + D), 0)
// (dw this rank's change of the round), then one sum of the ranks' dw, all problems in one buffer,
// and w += that sum. A problem stops once the projected gradients of a round span at most the
// tolerance over the rows of every rank (no shrinking: every round visits every row), or after
// settings.max_passes rounds. The row order of a round is drawn from settings.seed + rank.
inline constexpr std::size_t cocoa_classes = 4;
std::vector<BinarySolution> solve_one_vs_rest_cocoa(const SparseMatrix& x, std::size_t features,
                                                    const std::vector<std::int8_t>& labels, std::size_t classes,
                                                    const SolverSettings& settings, const RankReductions& ranks);
// The objective above at (w, b).
double primal_objective(const SparseMatrix& x, const std::vector<std::int8_t>& labels, const std::vector<float>& w,
                        double bias, LinearLoss loss, double c);

}  // namespace newsclf
