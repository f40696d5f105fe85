// The four categories of the News Aggregator data set, in the workshop's label order.
#pragma once
#include <array>
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

}  // namespace newsclf
