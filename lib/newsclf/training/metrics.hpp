// Classification metrics: accuracy, per-class precision/recall/F1/support, macro-F1, log-loss,
// confusion matrix, and how well the probabilities are calibrated (expected calibration error,
// Brier score, the reliability diagram's bins), written as one JSON object.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "newsclf/base/labels.hpp"

namespace newsclf {

// One bin of a reliability diagram: the rows whose probability lies in [lower, upper) (the last
// bin includes 1), the sum of those probabilities and how many of those rows were right.
struct ReliabilityBin {
    std::size_t rows = 0;
    double probability_sum = 0;
    std::size_t hits = 0;
};

inline constexpr std::size_t calibration_bins = 15;
using ReliabilityBins = std::array<ReliabilityBin, calibration_bins>;

// Expected calibration error of binned probabilities: sum over bins of rows/total times
// |hits/rows - mean probability|; 0 without rows.
double expected_calibration_error(const ReliabilityBins& bins);

using ConfusionMatrix = std::array<std::array<std::size_t, 4>, 4>;  // [true][predicted]

struct ClassScores {
    double precision = 0, recall = 0, f1 = 0;
    std::size_t support = 0;
};

class MetricsAccumulator {
public:
    void add(int label, const Probabilities& p);
    std::size_t count() const { return n_; }
    // {"n":..,"accuracy":..,"macro_f1":..,"log_loss":..,"per_class":{"b":{...}},"confusion_matrix":{...}}
    std::string json() const;
    double accuracy() const;
    double macro_f1() const;
    double log_loss() const;
    // The ECE of the predicted class's probability (its confidence), 15 equal-width bins.
    double ece() const { return expected_calibration_error(confidence_bins_); }
    // Mean over rows of the squared error of the probability vector against the one-hot label.
    double brier() const;
    // One-vs-rest for class c: the ECE of p_c against "the label is c", the mean (p_c - [label == c])^2,
    // and the mean -log p_c over the rows labelled c (0 when there are none).
    double class_ece(std::size_t c) const { return expected_calibration_error(class_bins_[c]); }
    double class_brier(std::size_t c) const;
    double class_log_loss(std::size_t c) const;
    const ConfusionMatrix& confusion() const { return confusion_; }
    ClassScores class_scores(std::size_t c) const;
    // The bins of the reliability diagram of the confidence (hits: the prediction was right).
    const ReliabilityBins& confidence_bins() const { return confidence_bins_; }

private:
    ConfusionMatrix confusion_{};
    std::size_t n_ = 0;
    double log_loss_sum_ = 0;
    std::array<double, 4> class_log_loss_sum_{};
    std::array<double, 4> class_brier_sum_{};
    ReliabilityBins confidence_bins_{};
    std::array<ReliabilityBins, 4> class_bins_{};
};

}  // namespace newsclf
