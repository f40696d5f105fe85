// Classification metrics: accuracy, per-class precision/recall/F1/support, macro-F1, log-loss,
// confusion matrix, written as one JSON object.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "newsclf/base/labels.hpp"

namespace newsclf {

class MetricsAccumulator {
public:
    void add(int label, const Probabilities& p);
    std::size_t count() const { return n_; }
    // {"n":..,"accuracy":..,"macro_f1":..,"log_loss":..,"per_class":{"b":{...}},"confusion_matrix":{...}}
    std::string json() const;
    double accuracy() const;
    double macro_f1() const;
    double log_loss() const;

private:
    std::array<std::array<std::size_t, 4>, 4> confusion_{};  // [true][predicted]
    std::size_t n_ = 0;
    double log_loss_sum_ = 0;
};

}  // namespace newsclf
