// The workshop's normalize_text: Python's str.lower, then three regular expressions (\s\W -> " ",
// \W\s -> " ", \s+ -> " "), with Python 3's Unicode rules for \s and \w.
#pragma once
#include <string>
#include <string_view>

namespace newsclf {

// Keras Tokenizer's default filter characters.
inline constexpr std::string_view keras_default_filters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

// How titles become words: the normaliser's steps and the Keras tokenizer's filters and split
// character (tokenizer.hpp), stored together in the token stream and the model.
struct NormalizerSettings {
    bool lower = true;                                  // Python str.lower()
    bool workshop_rules = true;                         // re.sub \s\W, \W\s, \s+ as the workshop does
    std::string filters = std::string(keras_default_filters);  // replaced by the split character
    char split = ' ';
};

// For text that is words already, such as fastText lines (newsclf-tokenize's among them): lower
// case and the filters still apply, but not the workshop's rules on characters beside spaces,
// which would change words that they made once ("secrets' the" -> "secrets the").
inline NormalizerSettings word_settings(NormalizerSettings settings) {
    settings.workshop_rules = false;
    return settings;
}

// The workshop's normalize_text: lower case; "\s\W" -> " "; "\W\s" -> " "; "\s+" -> " ". The
// filters and the split character play no part here. Input must be valid UTF-8.
std::string normalize_text(std::string_view text, const NormalizerSettings& settings = {});

// The same for an ASCII text, from `text` into `out`, with `lowered` and `scratch` as working
// buffers (which callers may reuse, so that nothing is allocated).
void normalize_ascii(std::string_view text, const NormalizerSettings& settings, std::string& lowered,
                     std::string& scratch, std::string& out);
// The same for any valid UTF-8, as code points.
std::u32string normalize_code_points(std::string_view text, const NormalizerSettings& settings);

}  // namespace newsclf
