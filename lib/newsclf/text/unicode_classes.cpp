// Python's \s, \w and str.lower by hand-written rules and tables.
#include "newsclf/text/unicode_classes.hpp"

#include <cstdint>

namespace newsclf {

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

void append_python_lower(char32_t c, std::u32string& out) {
    out.push_back(python_lower(c));
    if (c == 0x130) out.push_back(0x307);  // Python lowers İ to two code points: i and U+0307
}

namespace {
constexpr AsciiClasses make_ascii_classes() {
    AsciiClasses classes{};
    for (char32_t c = 0; c < 128; ++c) {
        classes.space[c] = (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
        classes.word[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
    return classes;
}
}  // namespace

extern const AsciiClasses python_ascii_classes = make_ascii_classes();

}  // namespace newsclf
