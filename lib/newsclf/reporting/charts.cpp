// Each chart writes its numbers into gnuplot data blocks and plots them with the house style of
// gnuplot.cpp. Colours: series colour i for series i, and the categories' colours are series
// colours 0-3 (b, t, e, m) on every chart.
#include "newsclf/reporting/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "newsclf/base/labels.hpp"

namespace newsclf {

namespace {

std::string number(double v) {
    if (!std::isfinite(v)) return "NaN";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", v);
    return buffer;
}

// 0xRRGGBB as the integer `lc rgb variable` reads.
std::string colour_value(std::string_view hex) { return std::to_string(std::stoul(std::string(hex.substr(1)), nullptr, 16)); }

// A double-quoted gnuplot string, where "\n" breaks the line.
std::string tick_text(const std::string& text) {
    std::string s = "\"";
    for (char c : text) {
        if (c == '\\' || c == '"') s += '\\';
        if (c == '%') s += '%';  // tic labels are formats
        if (c == '\n') s += "\\n";
        else s += c;
    }
    return s + "\"";
}

// set xtics ("a" 0, "b" 1, ...): the labels at 0, 1, ...
std::string tics(const std::string& axis, const std::vector<std::string>& labels) {
    std::string s = "set " + axis + " (";
    for (std::size_t i = 0; i < labels.size(); ++i) s += (i ? ", " : "") + tick_text(labels[i]) + " " + std::to_string(i);
    return s + ")\n";
}

// $name << EOD, the lines, EOD.
std::string data_block(const std::string& name, const std::vector<std::string>& lines) {
    std::string s = "$" + name + " << EOD\n";
    for (const auto& line : lines) s += line + "\n";
    return s + "EOD\n";
}

// Room below the plot for tick labels of two lines.
std::string tick_room(const std::vector<std::string>& labels) {
    const bool two_lines = std::any_of(labels.begin(), labels.end(), [](const std::string& l) { return l.find('\n') != std::string::npos; });
    return two_lines ? "set bmargin 4.5\n" : "";
}

// Lines "i v0 v1 ...": row i and the series' i-th values (NaN where one has none).
std::vector<std::string> series_lines(std::size_t rows, const std::vector<Series>& series) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < rows; ++i) {
        std::string line = std::to_string(i);
        for (const auto& s : series) line += " " + number(i < s.values.size() ? s.values[i] : NAN);
        lines.push_back(line);
    }
    return lines;
}

std::string title_line(const std::string& title) { return "set title " + gnuplot_string(title) + "\n"; }

}  // namespace

std::vector<std::string> category_tick_labels() {
    std::vector<std::string> labels;
    for (std::string_view name : label_names) {
        std::string s(name);
        if (const auto amp = s.find(" & "); amp != std::string::npos) s.replace(amp, 3, " &\n");
        labels.push_back(s);
    }
    return labels;
}

Chart count_bars(const std::string& title, const std::string& ylabel, const std::vector<std::string>& categories,
                 const std::vector<double>& counts) {
    double total = 0, top = 0;
    std::vector<std::string> lines;
    for (double c : counts) total += c, top = std::max(top, c);
    for (std::size_t i = 0; i < counts.size(); ++i)
        lines.push_back(std::to_string(i) + " " + number(counts[i]) + " " + number(total > 0 ? 100 * counts[i] / total : 0) +
                        " " + colour_value(series_colour(i)));
    Chart chart;
    chart.script = data_block("counts", lines) + title_line(title) + "set ylabel " + gnuplot_string(ylabel) + "\n" +
                   tics("xtics", categories) + tick_room(categories) + "set xtics scale 0\nset xrange [-0.6:" + number(counts.size() - 0.4) +
                   "]\nset yrange [0:" + number(top > 0 ? top * 1.15 : 1) + "]\nset grid noxtics ytics\n" +
                   "plot $counts using 1:2:(0.7):4 with boxes lc rgb variable notitle, \\\n"
                   "     '' using 1:2:(sprintf('%d (%.1f%%)', $2, $3)) with labels offset 0,0.7 notitle\n";
    return chart;
}

Chart grouped_bars(const std::string& title, const std::string& ylabel, const std::vector<std::string>& categories,
                   const std::vector<Series>& series) {
    const std::vector<std::string> lines = series_lines(categories.size(), series);
    const std::size_t n = series.size();
    std::string plot = "plot ";
    for (std::size_t k = 0; k < n; ++k)
        plot += std::string(k ? ", \\\n     " : "") + "$bars using " + std::to_string(k + 2) + " title " +
                gnuplot_string(series[k].name) + " lc rgb '" + std::string(series_colour(k)) + "'";
    // Each bar's value above it while there is room: bar k of n sits (k - (n-1)/2) / (n + gap) off
    // its category's centre.
    if (n <= 3)
        for (std::size_t k = 0; k < n; ++k)
            plot += ", \\\n     $bars using ($1 + " + number((static_cast<double>(k) - (n - 1) / 2.0) / (n + 1.0)) +
                    "):" + std::to_string(k + 2) + ":(sprintf('%.2f', $" + std::to_string(k + 2) +
                    ")) with labels font ',9' offset 0,0.6 notitle";
    Chart chart;
    chart.script = data_block("bars", lines) + title_line(title) + "set ylabel " + gnuplot_string(ylabel) + "\n" +
                   tics("xtics", categories) +
                   "set xtics scale 0\nset yrange [0:1.25]\nset ytics 0, 0.2, 1\nset grid noxtics ytics\n"
                   "set key inside top center horizontal\n" + tick_room(categories) +
                   "set style data histograms\nset style histogram clustered gap 1\n" +
                   plot + "\n";
    return chart;
}

Chart integer_histogram(const std::string& title, const std::string& xlabel, const std::vector<std::size_t>& counts) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < counts.size(); ++i) lines.push_back(std::to_string(i) + " " + std::to_string(counts[i]));
    Chart chart;
    chart.script = data_block("histogram", lines) + title_line(title) + "set xlabel " + gnuplot_string(xlabel) +
                   "\nset ylabel 'titles'\nset xrange [-0.5:" + number(counts.size() - 0.5) +
                   "]\nset yrange [0:*]\nset grid noxtics ytics\n"
                   "plot $histogram using 1:2:(0.85) with boxes lc rgb '" + std::string(series_colour(0)) +
                   "' notitle\n";
    return chart;
}

Chart learning_curves(const std::vector<EpochResult>& history) {
    bool validation = false;
    std::vector<std::string> lines;
    for (const auto& e : history) {
        const bool t = e.train.rows > 0, v = e.validation.rows > 0;
        validation = validation || v;
        lines.push_back(std::to_string(e.epoch) + " " + number(t ? e.train.loss : NAN) + " " +
                        number(v ? e.validation.loss : NAN) + " " + number(t ? e.train.accuracy : NAN) + " " +
                        number(v ? e.validation.accuracy : NAN));
    }
    const std::size_t epochs = history.empty() ? 1 : history.back().epoch;
    auto panel = [&](const std::string& ylabel, int train_column, const std::string& key) {
        std::string s = "set ylabel " + gnuplot_string(ylabel) + "\nset key " + key + "\n";
        s += "plot $history using 1:" + std::to_string(train_column) + " with linespoints pt 7 ps 0.6 lw 2 lc rgb '" +
             std::string(series_colour(0)) + "' title 'training rows'";
        if (validation)
            s += ", \\\n     '' using 1:" + std::to_string(train_column + 1) +
                 " with linespoints pt 5 ps 0.6 lw 2 dt 2 lc rgb '" + std::string(series_colour(1)) +
                 "' title 'validation rows'";
        return s + "\n";
    };
    Chart chart;
    chart.width = 640;
    chart.script = data_block("history", lines) + "set multiplot layout 1,2 title 'Learning curves' font ',13'\n" +
                   "set xlabel 'epoch'\nset xrange [0.75:" + number(epochs + 0.25) + "]\n" +
                   (epochs <= 12 ? "set xtics 1\n" : "") + panel("loss (cross-entropy)", 2, "top right") +
                   panel("accuracy", 4, "bottom right") + "unset multiplot\n";
    return chart;
}

Chart confusion_heat_map(const ConfusionMatrix& confusion) {
    std::vector<std::string> lines;
    for (std::size_t t = 0; t < label_count; ++t) {
        std::size_t row = 0;
        for (std::size_t p = 0; p < label_count; ++p) row += confusion[t][p];
        for (std::size_t p = 0; p < label_count; ++p) {
            const double share = row ? static_cast<double>(confusion[t][p]) / static_cast<double>(row) : 0.0;
            lines.push_back(std::to_string(p) + " " + std::to_string(t) + " " + number(share) + " " +
                            std::to_string(confusion[t][p]));
        }
    }
    const std::vector<std::string> names(label_names.begin(), label_names.end());
    Chart chart;
    chart.height = 460;
    chart.script = data_block("confusion", lines) + title_line("Confusion matrix") + "unset border\nunset grid\n" +
                   tics("xtics", names) + "set xtics rotate by 25 right\n" + tics("ytics", category_tick_labels()) +
                   "set tics scale 0\nset xrange [-0.5:3.5]\nset yrange [3.5:-0.5]\n"
                   "set xlabel 'predicted category'\nset ylabel 'true category'\n"
                   // seaborn's "Blues": one hue, light to dark, readable without colour vision.
                   "set palette defined (0 '#f7fbff', 0.25 '#c6dbef', 0.5 '#6baed6', 0.75 '#2171b5', 1 '#08306b')\n"
                   "set cbrange [0:1]\nset cblabel 'share of the true category'\nset cbtics 0.2\n"
                   "set size ratio -1\n"
                   "plot $confusion using 1:2:3 with image pixels notitle, \\\n"
                   "     '' using 1:2:(sprintf(\"%d\\n%.1f%%\", $4, 100 * $3)):($3 > 0.5 ? 0xffffff : 0x222222) "
                   "with labels tc rgb variable notitle\n";
    return chart;
}

Chart reliability_diagram(const std::vector<ReliabilitySeries>& series) {
    std::string blocks, top = "plot x with lines dt 2 lw 1 lc rgb '#777777' title 'perfectly calibrated'", bottom = "plot ";
    for (std::size_t k = 0; k < series.size(); ++k) {
        std::size_t total = 0;
        for (const auto& b : series[k].bins) total += b.rows;
        std::vector<std::string> lines;
        for (std::size_t i = 0; i < series[k].bins.size(); ++i) {
            const ReliabilityBin& b = series[k].bins[i];
            if (b.rows == 0) continue;
            const double rows = static_cast<double>(b.rows);
            lines.push_back(number(b.probability_sum / rows) + " " + number(static_cast<double>(b.hits) / rows) + " " +
                            number(rows / static_cast<double>(total)));
        }
        const std::string name = "bins" + std::to_string(k), colour(series_colour(k));
        char ece[64];
        std::snprintf(ece, sizeof ece, " (ECE %.2f%%)", 100 * expected_calibration_error(series[k].bins));
        blocks += data_block(name, lines);
        top += ", \\\n     $" + name + " using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb '" + colour + "' title " +
               gnuplot_string(series[k].name + ece);
        bottom += std::string(k ? ", \\\n     " : "") + "$" + name + " using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb '" +
                  colour + "' notitle";
    }
    Chart chart;
    chart.height = 440;
    chart.script = blocks + "set multiplot title 'Reliability diagram' font ',13'\n"
                   "set lmargin at screen 0.13\nset rmargin at screen 0.96\n"
                   "set tmargin at screen 0.90\nset bmargin at screen 0.41\n"
                   "set xrange [0:1]\nset yrange [0:1]\nset format x ''\nset ylabel 'accuracy'\n"
                   "set key top left\n" + top +
                   "\nset tmargin at screen 0.33\nset bmargin at screen 0.14\n"
                   "set format x '%.1f'\nset xlabel 'confidence (probability of the predicted category)'\n"
                   "set logscale y\nset yrange [0.0001:1]\nset ytics ('0.01%%' 0.0001, '0.1%%' 0.001, '1%%' 0.01, '10%%' 0.1, '100%%' 1)\n"
                   "set ylabel 'rows'\n" + bottom + "\nunset multiplot\n";
    return chart;
}

Chart dot_plot(const std::string& title, const std::string& xlabel, const std::vector<std::string>& rows,
               const std::vector<Series>& series) {
    const std::vector<std::string> lines = series_lines(rows.size(), series);
    static constexpr int point_types[] = {7, 5, 9, 11, 13};
    std::string plot = "plot ";
    for (std::size_t k = 0; k < series.size(); ++k)
        plot += std::string(k ? ", \\\n     " : "") + "$dots using " + std::to_string(k + 2) + ":1 with points pt " +
                std::to_string(point_types[k % 5]) + " ps 1.1 lc rgb '" + std::string(series_colour(k)) + "' title " +
                gnuplot_string(series[k].name);
    Chart chart;
    chart.height = 110 + 26 * static_cast<int>(rows.size());
    chart.script = data_block("dots", lines) + title_line(title) + "set xlabel " + gnuplot_string(xlabel) + "\n" +
                   tics("ytics", rows) + "set yrange [" + number(rows.size() - 0.5) + ":-0.5]\n" +
                   "set grid xtics ytics\nset offsets graph 0.04, graph 0.04, 0, 0\n"
                   "set key outside top center horizontal\n" + plot + "\n";
    return chart;
}

}  // namespace newsclf
