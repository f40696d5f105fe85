// Normalisation and tokenisation of headlines: the workshop's normalize_text (lower case, three
// regular expressions) followed by the Keras Tokenizer's text_to_word_sequence.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace newsclf {

// Keras Tokenizer's default filter characters.
inline constexpr std::string_view keras_default_filters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

struct NormalizerSettings {
    bool lower = true;                                  // Python str.lower()
    bool workshop_rules = true;                         // re.sub \s\W, \W\s, \s+ as the workshop does
    std::string filters = std::string(keras_default_filters);  // replaced by the split character
    char split = ' ';
};

// Where a byte sequence stops being UTF-8: the byte offset, or npos when it is valid.
std::size_t find_invalid_utf8(std::string_view bytes);

// The workshop's normalize_text: lower case; "\s\W" -> " "; "\W\s" -> " "; "\s+" -> " ".
// \w and \s follow Python 3's Unicode rules for Latin, Greek and Cyrillic letters, digits, the
// general punctuation block and symbols; other scripts' letters count as word characters.
std::string normalize_text(std::string_view text, const NormalizerSettings& settings = {});

// normalize_text, then Keras text_to_word_sequence: filters become the split character, split,
// empty pieces dropped. Input must be valid UTF-8.
std::vector<std::string> tokenize(std::string_view text, const NormalizerSettings& settings = {});
// The same words handed to on_token in order, without building strings (the views last until
// on_token returns).
void for_each_token(std::string_view text, const NormalizerSettings& settings,
                    const std::function<void(std::string_view)>& on_token);

// Code point helpers, exposed for tests.
bool is_python_space(char32_t c);
bool is_python_word(char32_t c);
char32_t python_lower(char32_t c);

}  // namespace newsclf
