// The JSON line of one prediction, shared by newsclf-predict and the server:
// {"label": "m", "category": "Health & Medicine", "probabilities": {"b": ..., "t": ..., "e": ..., "m": ...}}
#pragma once
#include <array>
#include <string>

#include "newsclf/base/labels.hpp"

namespace newsclf {

struct PredictionFormat {
    std::size_t top_k = 4;  // 4: all classes in label order; fewer: the k most probable, best first
};

// Appends one JSON object (no newline); id is written first when non-null.
void append_prediction_json(std::string& out, const Probabilities& p, const PredictionFormat& format,
                            const std::string* id = nullptr);

}  // namespace newsclf
