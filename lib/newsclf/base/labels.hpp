// The four categories of the News Aggregator data set, in the workshop's label order, and a
// model's probabilities over them.
#pragma once
#include <algorithm>
#include <array>
#include <numeric>
#include <string_view>

namespace newsclf {

inline constexpr std::size_t label_count = 4;
inline constexpr std::array<std::string_view, label_count> label_codes = {"b", "t", "e", "m"};
inline constexpr std::array<std::string_view, label_count> label_names = {
    "Business", "Science & Technology", "Entertainment", "Health & Medicine"};
inline constexpr int no_label = -1;

// Index of a category code ("b", "t", "e", "m"), or no_label.
inline int label_index(std::string_view code) {
    for (std::size_t i = 0; i < label_count; ++i)
        if (label_codes[i] == code) return static_cast<int>(i);
    return no_label;
}

// A headline's probability of each label, in label order.
using Probabilities = std::array<float, label_count>;

inline std::size_t best_label(const Probabilities& p) {
    return static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

// The label indices by probability, best first (label order among equals).
inline std::array<std::size_t, label_count> ranked_labels(const Probabilities& p) {
    std::array<std::size_t, label_count> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    return order;
}

}  // namespace newsclf
