#include "newsclf/text.hpp"

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

std::u32string replace_pairs(const std::u32string& s, bool space_first) {
    // re.sub('\s\W', ' ') or re.sub('\W\s', ' '): leftmost, non-overlapping two-character matches.
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (i + 1 < s.size()) {
            bool match = space_first ? (is_python_space(s[i]) && !is_python_word(s[i + 1]))
                                     : (!is_python_word(s[i]) && is_python_space(s[i + 1]));
            if (match) {
                out.push_back(U' ');
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
        ++i;
    }
    return out;
}

std::u32string normalize_code_points(std::string_view text, const NormalizerSettings& settings) {
    std::u32string s = decode_utf8(text);
    if (settings.lower)
        for (auto& c : s) c = python_lower(c);
    if (!settings.workshop_rules) return s;
    s = replace_pairs(s, true);
    s = replace_pairs(s, false);
    std::u32string out;
    out.reserve(s.size());
    bool in_space_run = false;
    for (char32_t c : s) {
        bool space = is_python_space(c);
        if (!space) out.push_back(c);
        else if (!in_space_run) out.push_back(U' ');
        in_space_run = space;
    }
    return out;
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
    if (c >= 0x0300 && c <= 0x036F) return false;  // combining diacritical marks
    if (c >= 0x2000 && c <= 0x206F) return false;  // general punctuation
    if (c >= 0x20A0 && c <= 0x20CF) return false;  // currency symbols
    if (c >= 0x2190 && c <= 0x2BFF) return false;  // arrows, mathematical operators, shapes, dingbats
    if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
    if (c >= 0xFE00 && c <= 0xFE0F) return false;  // variation selectors
    if (c >= 0xFE30 && c <= 0xFE4F) return false;  // CJK compatibility forms
    if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
        (c >= 0xFF5B && c <= 0xFF65))
        return false;                               // fullwidth punctuation
    if (c == 0xFFFD || c == 0xFEFF) return false;  // replacement character, byte order mark
    if (c >= 0x1F000 && c <= 0x1FAFF) return false;  // emoji and pictographs
    return true;
}

char32_t python_lower(char32_t c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
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
    std::string out;
    for (char32_t c : normalize_code_points(text, settings)) append_utf8(out, c);
    return out;
}

std::vector<std::string> tokenize(std::string_view text, const NormalizerSettings& settings) {
    std::u32string s = normalize_code_points(text, settings);
    std::vector<std::string> tokens;
    std::string current;
    auto is_filter = [&](char32_t c) {
        return c < 0x80 && settings.filters.find(static_cast<char>(c)) != std::string::npos;
    };
    for (char32_t c : s) {
        if (c == static_cast<char32_t>(static_cast<unsigned char>(settings.split)) || is_filter(c)) {
            if (!current.empty()) tokens.push_back(std::move(current));
            current.clear();
        } else {
            append_utf8(current, c);
        }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
}

}  // namespace newsclf
