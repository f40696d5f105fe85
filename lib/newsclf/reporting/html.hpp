// Small pieces of HTML: escaped text, numbers as reports print them, images embedded as data URLs.
#pragma once
#include <string>
#include <string_view>

namespace newsclf {

// text with &, <, >, " and ' as character references.
std::string html_escape(std::string_view text);
// bytes in base64 (RFC 4648, padded).
std::string base64(std::string_view bytes);
// An <img> whose source is the SVG document itself.
std::string svg_image(std::string_view svg, std::string_view alt);
// 0.9591 -> "0.9591"; a share as "95.91%"; bytes as "91.2 MB".
std::string fixed(double v, int decimals);
std::string percent(double share, int decimals = 2);
std::string byte_size(double bytes);

}  // namespace newsclf
