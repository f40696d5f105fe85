#include "newsclf/model/prediction.hpp"

#include <algorithm>
#include <numeric>

#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"

namespace newsclf {

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
