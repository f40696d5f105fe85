#include "newsclf/training/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"

namespace newsclf {

namespace {

ClassScores scores(const ConfusionMatrix& m, std::size_t c) {
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

// A probability's bin: [k/15, (k+1)/15), 1 in the last.
void add_to_bins(ReliabilityBins& bins, double probability, bool hit) {
    const double clamped = std::clamp(probability, 0.0, 1.0);
    const std::size_t k = std::min(calibration_bins - 1, static_cast<std::size_t>(clamped * calibration_bins));
    ReliabilityBin& b = bins[k];
    ++b.rows;
    b.probability_sum += clamped;
    b.hits += hit ? 1 : 0;
}
}  // namespace

double expected_calibration_error(const ReliabilityBins& bins) {
    std::size_t total = 0;
    for (const auto& b : bins) total += b.rows;
    if (total == 0) return 0.0;
    double sum = 0;
    for (const auto& b : bins)
        if (b.rows > 0)
            sum += std::fabs(static_cast<double>(b.hits) - b.probability_sum);  // rows * |accuracy - confidence|
    return sum / static_cast<double>(total);
}

void MetricsAccumulator::add(int label, const Probabilities& p) {
    std::size_t predicted = best_label(p);
    ++confusion_[static_cast<std::size_t>(label)][predicted];
    ++n_;
    double q = std::clamp(static_cast<double>(p[static_cast<std::size_t>(label)]), 1e-15, 1.0);
    log_loss_sum_ -= std::log(q);
    class_log_loss_sum_[static_cast<std::size_t>(label)] -= std::log(q);
    add_to_bins(confidence_bins_, p[predicted], predicted == static_cast<std::size_t>(label));
    for (std::size_t c = 0; c < label_count; ++c) {
        const bool is_label = c == static_cast<std::size_t>(label);
        const double error = static_cast<double>(p[c]) - (is_label ? 1.0 : 0.0);
        class_brier_sum_[c] += error * error;
        add_to_bins(class_bins_[c], p[c], is_label);
    }
}

double MetricsAccumulator::brier() const {
    double sum = 0;
    for (double s : class_brier_sum_) sum += s;
    return n_ ? sum / static_cast<double>(n_) : 0.0;
}

double MetricsAccumulator::class_brier(std::size_t c) const {
    return n_ ? class_brier_sum_[c] / static_cast<double>(n_) : 0.0;
}

double MetricsAccumulator::class_log_loss(std::size_t c) const {
    std::size_t support = 0;
    for (std::size_t p = 0; p < label_count; ++p) support += confusion_[c][p];
    return support ? class_log_loss_sum_[c] / static_cast<double>(support) : 0.0;
}

double MetricsAccumulator::accuracy() const {
    std::size_t hits = 0;
    for (std::size_t c = 0; c < label_count; ++c) hits += confusion_[c][c];
    return n_ ? static_cast<double>(hits) / static_cast<double>(n_) : 0.0;
}

ClassScores MetricsAccumulator::class_scores(std::size_t c) const { return scores(confusion_, c); }

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
    w.member("ece", ece()).member("brier", brier());
    w.key("per_class").begin_object();
    for (std::size_t c = 0; c < label_count; ++c) {
        ClassScores s = scores(confusion_, c);
        w.key(label_codes[c]).begin_object().member("category", label_names[c]);
        w.member("precision", s.precision).member("recall", s.recall).member("f1", s.f1).member("support", s.support);
        w.member("ece", class_ece(c)).member("brier", class_brier(c)).member("log_loss", class_log_loss(c));
        w.end_object();
    }
    w.end_object();
    // Every bin, empty ones too (their confidence and accuracy null), so that a plot has its axis.
    w.key("reliability").begin_array();
    for (std::size_t k = 0; k < calibration_bins; ++k) {
        const ReliabilityBin& b = confidence_bins_[k];
        w.begin_object()
            .member("lower", static_cast<double>(k) / calibration_bins)
            .member("upper", static_cast<double>(k + 1) / calibration_bins)
            .member("rows", b.rows);
        if (b.rows > 0) {
            const double rows = static_cast<double>(b.rows);
            w.member("confidence", b.probability_sum / rows).member("accuracy", static_cast<double>(b.hits) / rows);
        } else {
            w.key("confidence").null();
            w.key("accuracy").null();
        }
        w.end_object();
    }
    w.end_array();
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
