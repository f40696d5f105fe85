// Titles into words: normalize_text, then the Keras Tokenizer's text_to_word_sequence (filters
// become the split character, the text is split, empty pieces are dropped).
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "newsclf/text/normalizer.hpp"

namespace newsclf {

// normalize_text, then Keras text_to_word_sequence. Input must be valid UTF-8.
std::vector<std::string> tokenize(std::string_view text, const NormalizerSettings& settings = {});
// The same words handed to on_token in order, without building strings (the views last until
// on_token returns).
void for_each_token(std::string_view text, const NormalizerSettings& settings,
                    const std::function<void(std::string_view)>& on_token);

}  // namespace newsclf
