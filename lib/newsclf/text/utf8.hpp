// UTF-8: the one decoder of newsclf's text (strict: no overlong forms, surrogates or code points
// beyond U+10FFFF), the encoder, and the validity check the readers apply to every title.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace newsclf {

// The code point that starts at s[i] and its length in bytes; length 0 when the bytes there are
// not UTF-8 (then code_point is U+FFFD).
struct Utf8Char {
    char32_t code_point;
    std::size_t length;
};
Utf8Char decode_utf8_char(std::string_view s, std::size_t i);

// Where a byte sequence stops being UTF-8: the byte offset, or npos when it is valid.
std::size_t find_invalid_utf8(std::string_view bytes);
// The code points of s; each byte that does not start a valid sequence becomes U+FFFD.
std::u32string decode_utf8(std::string_view s);
// Appends the UTF-8 bytes of c (a code point up to U+10FFFF) to out.
void append_utf8(std::string& out, char32_t c);
std::string encode_utf8(std::u32string_view code_points);

bool is_ascii(std::string_view text);

}  // namespace newsclf
