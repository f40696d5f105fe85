#include "newsclf/text/text.hpp"

#include <cstdint>
#include <functional>
#include <type_traits>

namespace newsclf {
namespace {

// Decodes valid UTF-8 (checked by the readers beforehand); invalid bytes become U+FFFD.
std::u32string decode_utf8(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        char32_t c;
        int len;
        if (b < 0x80) { c = b; len = 1; }
        else if ((b >> 5) == 6) { c = b & 0x1F; len = 2; }
        else if ((b >> 4) == 14) { c = b & 0x0F; len = 3; }
        else if ((b >> 3) == 30) { c = b & 0x07; len = 4; }
        else { out.push_back(0xFFFD); ++i; continue; }
        if (i + len > s.size()) { out.push_back(0xFFFD); break; }
        for (int k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(c);
        i += len;
    }
    return out;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

// A character of a std::string (ASCII here) or a std::u32string as a code point.
template <class Char>
char32_t code_point(Char c) {
    return static_cast<char32_t>(static_cast<std::make_unsigned_t<Char>>(c));
}

// Python's \s and \w of the ASCII characters, looked up rather than computed (the hot path of
// every headline).
struct AsciiClasses {
    bool space[128] = {}, word[128] = {};
    AsciiClasses() {
        for (char32_t c = 0; c < 128; ++c) {
            space[c] = is_python_space(c);
            word[c] = is_python_word(c);
        }
    }
};
const AsciiClasses ascii_classes;

template <class Char>
bool space_char(Char c) {
    if constexpr (sizeof(Char) == 1) return ascii_classes.space[static_cast<unsigned char>(c) & 0x7f];
    else return is_python_space(code_point(c));
}

template <class Char>
bool word_char(Char c) {
    if constexpr (sizeof(Char) == 1) return ascii_classes.word[static_cast<unsigned char>(c) & 0x7f];
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
// `scratch` for the step between (buffers that callers may reuse, so that nothing is allocated).
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

template <class String>
String apply_workshop_rules(const String& lowered) {
    String scratch, out;
    apply_workshop_rules(lowered, scratch, out);
    return out;
}

bool is_ascii(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

// Most headlines are ASCII: they are normalised byte by byte into `out`, the rest code point by
// code point. `lowered` and `scratch` are working buffers.
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
        for (char32_t c : s) {
            lowered.push_back(python_lower(c));
            if (c == 0x130) lowered.push_back(0x307);  // Python lowers İ to two code points: i and U+0307
        }
        s = std::move(lowered);
    }
    return settings.workshop_rules ? apply_workshop_rules(s) : s;
}

}  // namespace

bool is_python_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_python_word(char32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (is_python_space(c)) return false;
    if (c < 0x100) {
        // Latin-1: letters, and the superscript digits, fractions and ordinal indicators.
        return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
               (c >= 0xBC && c <= 0xBE) || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
    }
    if ((c >= 0x02C2 && c <= 0x02C5) || (c >= 0x02D2 && c <= 0x02DF) || (c >= 0x02E5 && c <= 0x02EB) ||
        c == 0x02ED || (c >= 0x02EF && c <= 0x02FF))
        return false;                               // modifier symbols such as ˜ (not the modifier letters)
    if (c >= 0x0300 && c <= 0x036F) return false;  // combining diacritical marks
    if (c == 0x0375 || c == 0x037E || (c >= 0x0384 && c <= 0x0385) || c == 0x0387 || c == 0x03F6 ||
        (c >= 0x0482 && c <= 0x0489))
        return false;                               // Greek and Cyrillic signs
    if ((c >= 0x0600 && c <= 0x061F) || (c >= 0x064B && c <= 0x065F) || (c >= 0x066A && c <= 0x066D) ||
        c == 0x0670 || c == 0x06D4 || (c >= 0x06D6 && c <= 0x06E4) || (c >= 0x06E7 && c <= 0x06ED) ||
        c == 0x06FD || c == 0x06FE)
        return false;                               // Arabic punctuation (، ؟ ۔), signs and vowel marks
    if (c >= 0x2000 && c <= 0x206F) return false;  // general punctuation
    if ((c >= 0x207A && c <= 0x207E) || (c >= 0x208A && c <= 0x208E)) return false;  // super-, subscript signs
    if (c >= 0x20A0 && c <= 0x20FF) return false;  // currency symbols, combining marks for symbols (keycap)
    if (c >= 0x2100 && c <= 0x214F) {               // letterlike symbols: ™ ℠ № ℃ are symbols, ℓ ℕ Ω letters
        return !(c <= 0x2101 || (c >= 0x2103 && c <= 0x2106) || c == 0x2108 || c == 0x2109 || c == 0x2114 ||
                 (c >= 0x2116 && c <= 0x2118) || (c >= 0x211E && c <= 0x2123) || c == 0x2125 || c == 0x2127 ||
                 c == 0x2129 || c == 0x212E || c == 0x213A || c == 0x213B || (c >= 0x2140 && c <= 0x2144) ||
                 (c >= 0x214A && c <= 0x214D) || c == 0x214F);
    }
    if ((c >= 0x2460 && c <= 0x249B) || (c >= 0x24EA && c <= 0x24FF) || (c >= 0x2776 && c <= 0x2793))
        return true;                                // circled and parenthesised numbers are digits
    if (c >= 0x2190 && c <= 0x2BFF) return false;  // arrows, mathematical operators, shapes, dingbats
    if (c >= 0x2E00 && c <= 0x2E7F) return c == 0x2E2F;  // supplemental punctuation (⸺ ⸻), but ⸯ is a letter
    if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
    if (c >= 0xFE00 && c <= 0xFE0F) return false;  // variation selectors
    if (c >= 0xFE30 && c <= 0xFE4F) return false;  // CJK compatibility forms
    if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
        (c >= 0xFF5B && c <= 0xFF65))
        return false;                               // fullwidth punctuation
    if (c == 0xFFFD || c == 0xFEFF) return false;  // replacement character, byte order mark
    if (c >= 0x1F100 && c <= 0x1F10C) return true;  // digits with full stop or comma
    if (c >= 0x1F000 && c <= 0x1FAFF) return false;  // emoji and pictographs
    if (c >= 0xE0000 && c <= 0xE007F) return false;  // tags of subdivision flag emoji
    return true;
}

namespace {

// Python's str.lower() where the arithmetic below does not give it: {first, last, step, delta}, the
// code points first, first + step, ... up to last lower to c + delta. Generated from Python 3.11.
struct CaseRun {
    char32_t first, last;
    std::int32_t step, delta;
};
constexpr CaseRun case_runs[] = {
    {0x0181, 0x0181, 1, 210}, {0x0182, 0x0184, 2, 1}, {0x0186, 0x0186, 1, 206}, {0x0187, 0x0187, 1, 1},
    {0x0189, 0x018A, 1, 205}, {0x018B, 0x018B, 1, 1}, {0x018E, 0x018E, 1, 79}, {0x018F, 0x018F, 1, 202},
    {0x0190, 0x0190, 1, 203}, {0x0191, 0x0191, 1, 1}, {0x0193, 0x0193, 1, 205}, {0x0194, 0x0194, 1, 207},
    {0x0196, 0x0196, 1, 211}, {0x0197, 0x0197, 1, 209}, {0x0198, 0x0198, 1, 1}, {0x019C, 0x019C, 1, 211},
    {0x019D, 0x019D, 1, 213}, {0x019F, 0x019F, 1, 214}, {0x01A0, 0x01A4, 2, 1}, {0x01A6, 0x01A6, 1, 218},
    {0x01A7, 0x01A7, 1, 1}, {0x01A9, 0x01A9, 1, 218}, {0x01AC, 0x01AC, 1, 1}, {0x01AE, 0x01AE, 1, 218},
    {0x01AF, 0x01AF, 1, 1}, {0x01B1, 0x01B2, 1, 217}, {0x01B3, 0x01B5, 2, 1}, {0x01B7, 0x01B7, 1, 219},
    {0x01B8, 0x01B8, 1, 1}, {0x01BC, 0x01BC, 1, 1}, {0x01C4, 0x01C4, 1, 2}, {0x01C5, 0x01C5, 1, 1},
    {0x01C7, 0x01C7, 1, 2}, {0x01C8, 0x01C8, 1, 1}, {0x01CA, 0x01CA, 1, 2}, {0x01CB, 0x01DB, 2, 1},
    {0x01DE, 0x01EE, 2, 1}, {0x01F1, 0x01F1, 1, 2}, {0x01F2, 0x01F4, 2, 1}, {0x01F6, 0x01F6, 1, -97},
    {0x01F7, 0x01F7, 1, -56}, {0x01F8, 0x021E, 2, 1}, {0x0220, 0x0220, 1, -130}, {0x0222, 0x0232, 2, 1},
    {0x023A, 0x023A, 1, 10795}, {0x023B, 0x023B, 1, 1}, {0x023D, 0x023D, 1, -163}, {0x023E, 0x023E, 1, 10792},
    {0x0241, 0x0241, 1, 1}, {0x0243, 0x0243, 1, -195}, {0x0244, 0x0244, 1, 69}, {0x0245, 0x0245, 1, 71},
    {0x0246, 0x024E, 2, 1}, {0x0370, 0x0372, 2, 1}, {0x0376, 0x0376, 1, 1}, {0x037F, 0x037F, 1, 116},
    {0x0386, 0x0386, 1, 38}, {0x0388, 0x038A, 1, 37}, {0x038C, 0x038C, 1, 64}, {0x038E, 0x038F, 1, 63},
    {0x03CF, 0x03CF, 1, 8}, {0x03D8, 0x03EE, 2, 1}, {0x03F4, 0x03F4, 1, -60}, {0x03F7, 0x03F7, 1, 1},
    {0x03F9, 0x03F9, 1, -7}, {0x03FA, 0x03FA, 1, 1}, {0x03FD, 0x03FF, 1, -130}, {0x0460, 0x0480, 2, 1},
    {0x048A, 0x04BE, 2, 1}, {0x04C0, 0x04C0, 1, 15}, {0x04C1, 0x04CD, 2, 1}, {0x04D0, 0x052E, 2, 1},
    {0x1E00, 0x1E94, 2, 1}, {0x1E9E, 0x1E9E, 1, -7615}, {0x1EA0, 0x1EFE, 2, 1}, {0x2126, 0x2126, 1, -7517},
    {0x212A, 0x212A, 1, -8383}, {0x212B, 0x212B, 1, -8262}, {0x2132, 0x2132, 1, 28}, {0x2160, 0x216F, 1, 16},
    {0x2183, 0x2183, 1, 1}, {0x24B6, 0x24CF, 1, 26}, {0xFF21, 0xFF3A, 1, 32}
};

}  // namespace

char32_t python_lower(char32_t c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c == 0x130) return U'i';  // İ: Python gives i + U+0307; normalize_text appends the U+0307
    if (c >= 0x181 && c <= 0xFF3A)
        for (const auto& r : case_runs)
            if (c >= r.first && c <= r.last && (c - r.first) % static_cast<char32_t>(r.step) == 0)
                return static_cast<char32_t>(static_cast<std::int32_t>(c) + r.delta);
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c >= 0x100 && c <= 0x137) return (c % 2 == 0) ? c + 1 : c;
    if (c >= 0x139 && c <= 0x148) return (c % 2 == 1) ? c + 1 : c;
    if (c >= 0x14A && c <= 0x177) return (c % 2 == 0) ? c + 1 : c;
    if (c == 0x178) return 0xFF;
    if (c >= 0x179 && c <= 0x17E) return (c % 2 == 1) ? c + 1 : c;
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    return c;
}

std::size_t find_invalid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) { ++i; continue; }
        int len;
        char32_t min;
        if ((b >> 5) == 6) { len = 2; min = 0x80; }
        else if ((b >> 4) == 14) { len = 3; min = 0x800; }
        else if ((b >> 3) == 30) { len = 4; min = 0x10000; }
        else return i;
        if (i + len > s.size()) return i;
        char32_t c = b & (0xFF >> (len + 1));
        for (int k = 1; k < len; ++k) {
            auto cb = static_cast<unsigned char>(s[i + k]);
            if ((cb >> 6) != 2) return i;
            c = (c << 6) | (cb & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return i;
        i += len;
    }
    return std::string_view::npos;
}

std::string normalize_text(std::string_view text, const NormalizerSettings& settings) {
    if (is_ascii(text)) {
        std::string lowered, scratch, out;
        normalize_ascii(text, settings, lowered, scratch, out);
        return out;
    }
    std::string out;
    for (char32_t c : normalize_code_points(text, settings)) append_utf8(out, c);
    return out;
}

namespace {

// Lower-cases an ASCII title into `lowered` and hands its words to on_token, when the workshop's
// rules cannot change them: then the words are the runs of characters that are neither spaces
// nor separators. The rules replace a pair of a space and a non-word character by one space; with
// every non-word character a separator or a space that changes no word, and a non-word
// character that is neither (an apostrophe) is untouched by them when both its neighbours are
// word characters. Returns false, having called nothing, when the title needs the full rules.
bool split_simple_ascii(std::string_view text, const bool (&separator)[128], std::string& lowered,
                        const std::function<void(std::string_view)>& on_token) {
    const std::size_t n = text.size();
    lowered.resize(n);
    char* out = lowered.data();
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!separator[c] && !ascii_classes.space[c] && !ascii_classes.word[c]) {
            const bool inside = i > 0 && i + 1 < n && ascii_classes.word[static_cast<unsigned char>(text[i - 1])] &&
                                ascii_classes.word[static_cast<unsigned char>(text[i + 1])];
            if (!inside) return false;
        }
        out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : static_cast<char>(c);
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i <= n; ++i) {
        if (i == n || separator[static_cast<unsigned char>(out[i])] || ascii_classes.space[static_cast<unsigned char>(out[i])]) {
            if (i > start) on_token(std::string_view(out + start, i - start));
            start = i + 1;
        }
    }
    return true;
}

}  // namespace

void for_each_token(std::string_view text, const NormalizerSettings& settings,
                    const std::function<void(std::string_view)>& on_token) {
    if (is_ascii(text)) {
        // Only the filters' ASCII characters can occur in an ASCII title.
        bool separator[128] = {};
        for (char c : settings.filters)
            if (static_cast<unsigned char>(c) < 0x80) separator[static_cast<unsigned char>(c)] = true;
        if (static_cast<unsigned char>(settings.split) < 0x80) separator[static_cast<unsigned char>(settings.split)] = true;
        thread_local std::string lowered, scratch, s;  // reused: a headline allocates nothing
        if (settings.lower && settings.workshop_rules && settings.split == ' ' &&
            split_simple_ascii(text, separator, lowered, on_token))
            return;
        normalize_ascii(text, settings, lowered, scratch, s);
        std::size_t start = 0;
        for (std::size_t i = 0; i <= s.size(); ++i) {
            if (i == s.size() || separator[static_cast<unsigned char>(s[i])]) {
                if (i > start) on_token(std::string_view(s).substr(start, i - start));
                start = i + 1;
            }
        }
        return;
    }
    std::u32string s = normalize_code_points(text, settings);
    std::string current;
    const std::u32string filters = decode_utf8(settings.filters);  // Keras filters may be any characters
    auto is_filter = [&](char32_t c) { return filters.find(c) != std::u32string::npos; };
    for (char32_t c : s) {
        if (c == static_cast<char32_t>(static_cast<unsigned char>(settings.split)) || is_filter(c)) {
            if (!current.empty()) on_token(current);
            current.clear();
        } else {
            append_utf8(current, c);
        }
    }
    if (!current.empty()) on_token(current);
}

std::vector<std::string> tokenize(std::string_view text, const NormalizerSettings& settings) {
    std::vector<std::string> tokens;
    for_each_token(text, settings, [&](std::string_view word) { tokens.emplace_back(word); });
    return tokens;
}

}  // namespace newsclf
