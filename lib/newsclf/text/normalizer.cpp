// normalize_text byte by byte for ASCII titles (most of them) and code point by code point for
// the others, with one template for the three regular expressions.
#include "newsclf/text/normalizer.hpp"

#include <type_traits>

#include "newsclf/text/unicode_classes.hpp"
#include "newsclf/text/utf8.hpp"

namespace newsclf {
namespace {

// A character of a std::string (ASCII here) or a std::u32string as a code point.
template <class Char>
char32_t code_point(Char c) {
    return static_cast<char32_t>(static_cast<std::make_unsigned_t<Char>>(c));
}

template <class Char>
bool space_char(Char c) {
    if constexpr (sizeof(Char) == 1) return python_ascii_classes.space[static_cast<unsigned char>(c) & 0x7f];
    else return is_python_space(code_point(c));
}

template <class Char>
bool word_char(Char c) {
    if constexpr (sizeof(Char) == 1) return python_ascii_classes.word[static_cast<unsigned char>(c) & 0x7f];
    else return is_python_word(code_point(c));
}

// re.sub('\s\W', ' ') or re.sub('\W\s', ' ') from s into out: leftmost, non-overlapping
// two-character matches. A std::string here holds ASCII only.
template <class String>
void replace_pairs(const String& s, bool space_first, String& out) {
    out.resize(s.size());  // never longer than s
    auto* o = out.data();
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n;) {
        if (i + 1 < n) {
            const auto a = s[i], b = s[i + 1];
            bool match = space_first ? (space_char(a) && !word_char(b)) : (!word_char(a) && space_char(b));
            if (match) {
                *o++ = ' ';
                i += 2;
                continue;
            }
        }
        *o++ = s[i++];
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
}

// The workshop's three regular expressions, after lower-casing: from `lowered` into `out`, with
// `scratch` for the step between.
template <class String>
void apply_workshop_rules(const String& lowered, String& scratch, String& out) {
    replace_pairs(lowered, true, out);
    replace_pairs(out, false, scratch);
    const String& s = scratch;
    out.resize(s.size());
    auto* o = out.data();
    bool in_space_run = false;
    for (auto c : s) {
        bool space = space_char(c);
        if (!space) *o++ = c;
        else if (!in_space_run) *o++ = ' ';
        in_space_run = space;
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
}

}  // namespace

void normalize_ascii(std::string_view text, const NormalizerSettings& settings, std::string& lowered,
                     std::string& scratch, std::string& out) {
    lowered.assign(text);
    if (settings.lower)
        for (auto& c : lowered)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (settings.workshop_rules)
        apply_workshop_rules(lowered, scratch, out);
    else
        out.swap(lowered);
}

std::u32string normalize_code_points(std::string_view text, const NormalizerSettings& settings) {
    std::u32string s = decode_utf8(text);
    if (settings.lower) {
        std::u32string lowered;
        lowered.reserve(s.size());
        for (char32_t c : s) append_python_lower(c, lowered);
        s = std::move(lowered);
    }
    if (!settings.workshop_rules) return s;
    std::u32string scratch, out;
    apply_workshop_rules(s, scratch, out);
    return out;
}

std::string normalize_text(std::string_view text, const NormalizerSettings& settings) {
    if (is_ascii(text)) {
        std::string lowered, scratch, out;
        normalize_ascii(text, settings, lowered, scratch, out);
        return out;
    }
    return encode_utf8(normalize_code_points(text, settings));
}

}  // namespace newsclf
