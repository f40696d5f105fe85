// UTF-8 decoding and encoding.
#include "newsclf/text/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace newsclf {

Utf8Char decode_utf8_char(std::string_view s, std::size_t i) {
    constexpr Utf8Char invalid{0xFFFD, 0};
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return {b, 1};
    std::size_t len;
    char32_t min;
    if ((b >> 5) == 6) { len = 2; min = 0x80; }
    else if ((b >> 4) == 14) { len = 3; min = 0x800; }
    else if ((b >> 3) == 30) { len = 4; min = 0x10000; }
    else return invalid;
    if (i + len > s.size()) return invalid;
    char32_t c = b & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) {
        const auto cb = static_cast<unsigned char>(s[i + k]);
        if ((cb >> 6) != 2) return invalid;
        c = (c << 6) | (cb & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return invalid;
    return {c, len};
}

namespace {

// Where the first byte of 0x80 or more is (s.size() when none): eight bytes at a time.
std::size_t ascii_prefix_length(std::string_view s) {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t v;
        std::memcpy(&v, s.data() + i, 8);
        if (v & 0x8080808080808080ull) break;
    }
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
    return i;
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view s) {
    for (std::size_t i = ascii_prefix_length(s); i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {  // most titles are ASCII
            ++i;
            continue;
        }
        const std::size_t len = decode_utf8_char(s, i).length;
        if (len == 0) return i;
        i += len;
    }
    return std::string_view::npos;
}

std::u32string decode_utf8(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const Utf8Char ch = decode_utf8_char(s, i);
        out.push_back(ch.code_point);
        i += ch.length == 0 ? 1 : ch.length;
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

std::string encode_utf8(std::u32string_view code_points) {
    std::string out;
    out.reserve(code_points.size());
    for (char32_t c : code_points) append_utf8(out, c);
    return out;
}

bool is_ascii(std::string_view text) { return ascii_prefix_length(text) == text.size(); }

}  // namespace newsclf
