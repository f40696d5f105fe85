// Binary linear classifiers on sparse rows by dual coordinate descent, as LIBLINEAR's
// L2R_L2LOSS_SVC_DUAL (squared hinge, scikit-learn's LinearSVC) and L2R_LR_DUAL (logistic), with
// an intercept feature of value 1; one-vs-rest over classes, several problems per sweep.
#pragma once
#include <cstdint>
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
// The objective above at (w, b).
double primal_objective(const SparseMatrix& x, const std::vector<std::int8_t>& labels, const std::vector<float>& w,
                        double bias, LinearLoss loss, double c);

}  // namespace newsclf
