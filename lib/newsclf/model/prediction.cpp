#include "newsclf/model/prediction.hpp"

#include <algorithm>
#include <numeric>

#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"

namespace newsclf {

void append_prediction_json(std::string& out, const Probabilities& p, const PredictionFormat& format, const std::string* id) {
    std::size_t best = best_label(p);
    JsonWriter w(out);
    w.begin_object();
    if (id) w.member("id", *id);
    w.member("label", label_codes[best]).member("category", label_names[best]);
    w.key("probabilities").begin_object();
    std::array<std::size_t, label_count> order;
    std::iota(order.begin(), order.end(), 0);  // all four: in label order
    std::size_t k = std::min(format.top_k, label_count);
    if (k < label_count) order = ranked_labels(p);
    for (std::size_t i = 0; i < k; ++i) w.member(label_codes[order[i]], p[order[i]]);
    w.end_object().end_object();
}

}  // namespace newsclf
