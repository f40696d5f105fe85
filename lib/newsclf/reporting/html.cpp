#include "newsclf/reporting/html.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace newsclf {

std::string html_escape(std::string_view text) {
    std::string s;
    s.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': s += "&amp;"; break;
            case '<': s += "&lt;"; break;
            case '>': s += "&gt;"; break;
            case '"': s += "&quot;"; break;
            case '\'': s += "&#39;"; break;
            default: s += c;
        }
    }
    return s;
}

std::string base64(std::string_view bytes) {
    static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s;
    s.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 3; ++k)
            v = v << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k) s += k <= n ? digits[(v >> (18 - 6 * k)) & 63] : '=';
    }
    return s;
}

std::string svg_image(std::string_view svg, std::string_view alt) {
    return "<img src=\"data:image/svg+xml;base64," + base64(svg) + "\" alt=\"" + html_escape(alt) + "\">";
}

std::string fixed(double v, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string percent(double share, int decimals) { return fixed(100 * share, decimals) + "%"; }

std::string byte_size(double bytes) {
    if (bytes >= 1e6) return fixed(bytes / 1e6, 1) + " MB";
    if (bytes >= 1e3) return fixed(bytes / 1e3, 1) + " kB";
    return fixed(bytes, 0) + " B";
}

}  // namespace newsclf
