// --arch linear: a sparse linear classifier over TF-IDF word n-gram features (tfidf_ngrams.hpp),
// one binary problem per class (one-vs-rest) solved by dual coordinate descent as LIBLINEAR's
// L2R_L2LOSS_SVC_DUAL (squared hinge, scikit-learn's LinearSVC) or L2R_LR_DUAL (logistic) do,
// with an intercept feature of value 1; probabilities are a softmax of the decision values times
// a temperature fitted on held-out rows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "newsclf/training/data_split.hpp"
#include "newsclf/training/fit_options.hpp"
#include "newsclf/training/history.hpp"
#include "newsclf/nn/tfidf_ngrams.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/formats/token_stream.hpp"

namespace newsclf {

struct SparseEntry {
    std::uint32_t index;
    float value;
};

// Rows of a sparse matrix: row r's entries are entries[offsets[r], offsets[r+1]).
struct SparseMatrix {
    std::vector<std::uint64_t> offsets{0};
    std::vector<SparseEntry> entries;
    std::size_t size() const { return offsets.size() - 1; }
};

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

// The T >= 0 that minimises the mean cross-entropy of softmax(T * scores) against labels (rows x
// classes, row-major; rows without a label ignored), searched in [1e-3, 1e3] by bisection on the
// derivative, which grows with T.
double fit_temperature(const float* scores, const std::int8_t* labels, std::size_t rows, std::size_t classes);

struct LinearShape {
    std::size_t vocabulary = 0;
    std::size_t ngrams = 2;
    std::size_t buckets = 1u << 20;
    std::size_t classes = 4;
};

// Parameters, in this order: weights [features, classes] (f16), bias [classes], idf [features]
// (f16), temperature [1].
class LinearNetwork : public Network {
public:
    explicit LinearNetwork(const LinearShape& shape);
    const TfidfNgrams& ngrams() const { return ngrams_; }
    std::size_t features() const { return ngrams_.features(); }
    std::size_t classes() const { return classes_; }
    std::size_t weights_offset() const { return 0; }
    std::size_t bias_offset() const { return features() * classes_; }
    std::size_t idf_offset() const { return bias_offset() + classes_; }
    std::size_t temperature_offset() const { return idf_offset() + features(); }
    std::vector<ParameterBlock> parameter_blocks() const override;
    // softmax(temperature * decision values).
    void predict(const float* params, const TokenBatch& batch, float* probabilities) const override;
    // w_c . x + b_c of each headline and class (batch x classes).
    void decision_values(const float* params, const TokenBatch& batch, float* scores) const;

private:
    TfidfNgrams ngrams_;
    std::size_t classes_;
};

// Fills params (laid out as the network's blocks): idf from the training rows, one binary problem
// per class on options.threads threads (the same model whatever their number), the temperature
// from the validation rows' decision values, or the training rows' when there are none.
std::vector<EpochResult> train_linear(const LinearNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                      const DataSplit& split, const FitOptions& options);

struct Architecture;
Architecture linear_architecture();

}  // namespace newsclf
