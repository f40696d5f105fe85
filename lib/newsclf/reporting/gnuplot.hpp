// Charts drawn by gnuplot's SVG terminal. A chart is the part of a gnuplot script that sets up and
// plots one figure; the terminal, the output and the house style (axes on the left and bottom
// only, ticks outside, a light grid behind, legends without a box) are added here, and one
// gnuplot process draws all the charts of a page.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace newsclf {

struct Chart {
    std::string script;  // gnuplot commands after the house style, ending with the plot
    int width = 560, height = 360;  // pixels at 100% zoom
};

// A colour-blind-safe qualitative palette (seaborn's "colorblind", after Okabe and Ito): series i
// has colour i modulo its length, as "#rrggbb".
std::string_view series_colour(std::size_t i);

// text as a gnuplot string literal: single-quoted, quotes doubled.
std::string gnuplot_string(std::string_view text);
// text as a quoted field of a gnuplot data block ('"' cannot be escaped there, so it becomes '\'').
std::string gnuplot_field(std::string_view text);

// The SVG documents of the charts, in their order, drawn by `gnuplot` on the PATH. An IoError
// saying what to install when it is not there; an InternalError with its messages when it fails.
std::vector<std::string> draw_charts(const std::vector<Chart>& charts);

}  // namespace newsclf
