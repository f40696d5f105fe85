#include "newsclf/base/printable.hpp"

#include "newsclf/base/json.hpp"

namespace newsclf {

std::string printable(std::string_view text) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    const auto escape = [&](unsigned char b) {
        out += "\\x";
        out += hex[b >> 4];
        out += hex[b & 15];
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7F) escape(b);
            else out += static_cast<char>(b);
            ++i;
            continue;
        }
        const std::size_t n = utf8_sequence(text, i);
        const bool c1_control = n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
        if (n == 0 || c1_control) {
            for (std::size_t k = 0; k < (n == 0 ? 1 : n); ++k) escape(static_cast<unsigned char>(text[i + k]));
            i += n == 0 ? 1 : n;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

}  // namespace newsclf
