#include "newsclf/prediction.hpp"

#include <algorithm>
#include <numeric>

#include "newsclf/json.hpp"
#include "newsclf/labels.hpp"

namespace newsclf {

std::size_t best_label(const Probabilities& p) {
    return static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

std::array<std::size_t, 4> ranked_labels(const Probabilities& p) {
    static_assert(label_count == 4);
    std::array<std::size_t, label_count> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    return order;
}

void append_prediction_json(std::string& out, const Probabilities& p, const PredictionFormat& format, const std::string* id) {
    std::size_t best = best_label(p);
    out += "{";
    if (id) {
        out += "\"id\":";
        append_json_string(out, *id);
        out += ",";
    }
    out += "\"label\":";
    append_json_string(out, label_codes[best]);
    out += ",\"category\":";
    append_json_string(out, label_names[best]);
    out += ",\"probabilities\":{";
    std::array<std::size_t, label_count> order;
    std::iota(order.begin(), order.end(), 0);  // all four: in label order
    std::size_t k = std::min(format.top_k, label_count);
    if (k < label_count) order = ranked_labels(p);
    for (std::size_t i = 0; i < k; ++i) {
        if (i) out += ",";
        append_json_string(out, label_codes[order[i]]);
        out += ":";
        out += json_float(p[order[i]]);
    }
    out += "}}";
}

}  // namespace newsclf
