// Python's character classes that the workshop's normalize_text relies on: re's \s and \w (str
// patterns) and str.lower, looked up in tables generated from Python (scripts/unicode-tables.py).
#pragma once
#include <string>

namespace newsclf {

bool is_python_space(char32_t c);  // re's \s
bool is_python_word(char32_t c);   // re's \w: str.isalnum() or '_'
// The first code point of str.lower (all of it but for U+0130, which lowers to i and U+0307).
char32_t python_lower(char32_t c);
// Appends the whole of str.lower of c to out.
void append_python_lower(char32_t c, std::u32string& out);
// The Unicode database of the tables ("14.0.0"), Python's unicodedata.unidata_version.
const char* python_unicode_version();

// \s and \w of the ASCII characters as plain arrays: the hot path of every headline.
struct AsciiClasses {
    bool space[128];
    bool word[128];
};
extern const AsciiClasses python_ascii_classes;

}  // namespace newsclf
