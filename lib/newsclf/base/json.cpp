// The JSON writer, and the escaping and number formatting it shares with messages.
#include "newsclf/base/json.hpp"

#include <charconv>
#include <cmath>

#include "newsclf/base/error.hpp"

namespace newsclf {

std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte (tighter for some leads)
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;        // no overlong forms
        else if (c == 0xed) hi = 0x9f;   // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;
        else if (c == 0xf4) hi = 0x8f;   // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(i + k) & 0xc0) != 0x80) return 0;
    return n;
}

namespace {

// Appends the shortest round-trip text of v, without a temporary string (a prediction line has four).
template <class T>
void append_shortest(std::string& out, T v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

template <class T>
std::string shortest(T v) {
    std::string out;
    append_shortest(out, v);
    return out;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // the start of the bytes not yet copied, which need no escape
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (const std::size_t n = utf8_sequence(s, i)) {
                i += n;
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
            } else {
                out += "\xef\xbf\xbd";  // U+FFFD for a byte outside valid UTF-8
            }
        }
        run = ++i;
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

std::string json_number(double v) { return shortest(v); }
std::string json_float(float v) { return shortest(v); }

JsonWriter& JsonWriter::value(double v) {
    separate();
    append_shortest(out_, v);
    return *this;
}

JsonWriter& JsonWriter::value(float v) {
    separate();
    append_shortest(out_, v);
    return *this;
}

JsonWriter& JsonWriter::open(char bracket) {
    separate();
    if (depth_ == 63) throw InternalError("JSON nested deeper than 63 levels");
    out_ += bracket;
    has_items_ <<= 1;
    ++depth_;
    return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
    if (depth_ == 0) throw InternalError("a JSON container closed that was not opened");
    out_ += bracket;
    has_items_ >>= 1;
    --depth_;
    return *this;
}

}  // namespace newsclf
