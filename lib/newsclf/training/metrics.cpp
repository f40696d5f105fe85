#include "newsclf/training/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"

namespace newsclf {

namespace {
struct ClassScores {
    double precision = 0, recall = 0, f1 = 0;
    std::size_t support = 0;
};

ClassScores scores(const std::array<std::array<std::size_t, 4>, 4>& m, std::size_t c) {
    ClassScores s;
    std::size_t predicted = 0;
    for (std::size_t t = 0; t < label_count; ++t) predicted += m[t][c];
    for (std::size_t p = 0; p < label_count; ++p) s.support += m[c][p];
    double tp = static_cast<double>(m[c][c]);
    s.precision = predicted ? tp / static_cast<double>(predicted) : 0.0;
    s.recall = s.support ? tp / static_cast<double>(s.support) : 0.0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
    return s;
}
}  // namespace

void MetricsAccumulator::add(int label, const Probabilities& p) {
    std::size_t predicted = best_label(p);
    ++confusion_[static_cast<std::size_t>(label)][predicted];
    ++n_;
    double q = std::clamp(static_cast<double>(p[static_cast<std::size_t>(label)]), 1e-15, 1.0);
    log_loss_sum_ -= std::log(q);
}

double MetricsAccumulator::accuracy() const {
    std::size_t hits = 0;
    for (std::size_t c = 0; c < label_count; ++c) hits += confusion_[c][c];
    return n_ ? static_cast<double>(hits) / static_cast<double>(n_) : 0.0;
}

double MetricsAccumulator::macro_f1() const {
    double sum = 0;
    std::size_t present = 0;
    for (std::size_t c = 0; c < label_count; ++c) {
        ClassScores s = scores(confusion_, c);
        std::size_t predicted = 0;
        for (std::size_t t = 0; t < label_count; ++t) predicted += confusion_[t][c];
        if (s.support == 0 && predicted == 0) continue;  // a class absent from data and predictions
        sum += s.f1;
        ++present;
    }
    return present ? sum / static_cast<double>(present) : 0.0;
}

double MetricsAccumulator::log_loss() const { return n_ ? log_loss_sum_ / static_cast<double>(n_) : 0.0; }

std::string MetricsAccumulator::json() const {
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("n", n_).member("accuracy", accuracy()).member("macro_f1", macro_f1()).member("log_loss", log_loss());
    w.key("per_class").begin_object();
    for (std::size_t c = 0; c < label_count; ++c) {
        ClassScores s = scores(confusion_, c);
        w.key(label_codes[c]).begin_object().member("category", label_names[c]);
        w.member("precision", s.precision).member("recall", s.recall).member("f1", s.f1).member("support", s.support);
        w.end_object();
    }
    w.end_object();
    w.key("confusion_matrix").begin_object().key("labels").begin_array();
    for (auto code : label_codes) w.value(code);
    w.end_array().member("rows", "true").member("columns", "predicted").key("matrix").begin_array();
    for (std::size_t t = 0; t < label_count; ++t) {
        w.begin_array();
        for (std::size_t p = 0; p < label_count; ++p) w.value(confusion_[t][p]);
        w.end_array();
    }
    w.end_array().end_object().end_object();
    return out;
}

}  // namespace newsclf
