// The JSON line of one prediction, shared by newsclf-predict and the server:
// {"label": "m", "category": "Health & Medicine", "probabilities": {"b": ..., "t": ..., "e": ..., "m": ...}}
#pragma once
#include <array>
#include <string>

#include "newsclf/classifier.hpp"

namespace newsclf {

struct PredictionFormat {
    std::size_t top_k = 4;  // 4: all classes in label order; fewer: the k most probable, best first
};

// Appends one JSON object (no newline); id is written first when non-null.
void append_prediction_json(std::string& out, const Probabilities& p, const PredictionFormat& format,
                            const std::string* id = nullptr);
std::size_t best_label(const Probabilities& p);
// The label indices by probability, best first (label order among equals).
std::array<std::size_t, 4> ranked_labels(const Probabilities& p);

}  // namespace newsclf
