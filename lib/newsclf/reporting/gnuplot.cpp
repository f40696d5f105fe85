// One gnuplot run over a script that draws every chart into a file of its own in a temporary
// directory, which is read back and removed.
#include "newsclf/reporting/gnuplot.hpp"

#include <array>
#include <cstdlib>
#include <filesystem>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/process.hpp"

namespace newsclf {

namespace {

constexpr std::array<std::string_view, 10> palette = {"#0173B2", "#DE8F05", "#029E73", "#D55E00", "#CC78BC",
                                                      "#CA9161", "#FBAFE4", "#949494", "#ECE133", "#56B4E9"};

// What every chart starts with after `reset`: matplotlib's and seaborn's look, in gnuplot's words.
constexpr std::string_view house_style = R"(set encoding utf8
set border 3 lw 1 lc rgb '#333333'
set tics nomirror out scale 0.5 textcolor rgb '#333333'
set style line 100 lc rgb '#e5e5e5' lw 1 dt 1
set grid back ls 100
set key noopaque nobox Left reverse samplen 2
set title font ',13'
set style fill solid 1.0 noborder
)";

// A directory of this process's own under the system's temporary directory, removed with it.
class TemporaryDirectory {
public:
    TemporaryDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "newsclf-report.XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw IoError("cannot make a temporary directory " + pattern);
        path_ = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        if (!std::getenv("KEEPTMP")) std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace

std::string_view series_colour(std::size_t i) { return palette[i % palette.size()]; }

std::string gnuplot_string(std::string_view text) {
    std::string s = "'";
    for (char c : text) {
        if (c == '\'') s += '\'';
        s += c == '\n' ? ' ' : c;
    }
    return s + "'";
}

std::string gnuplot_field(std::string_view text) {
    std::string s = "\"";
    for (char c : text) s += c == '"' ? '\'' : c == '\n' || c == '\t' ? ' ' : c;
    return s + "\"";
}

std::vector<std::string> draw_charts(const std::vector<Chart>& charts) {
    const char* path = std::getenv("PATH");
    if (find_on_path("gnuplot", path ? path : "").empty())
        throw IoError("newsclf-report draws its charts with gnuplot, which is not on the PATH "
                      "(Debian: apt-get install gnuplot-nox)");
    TemporaryDirectory directory;
    std::string script;
    for (std::size_t i = 0; i < charts.size(); ++i) {
        script += "reset\nset terminal svg size " + std::to_string(charts[i].width) + "," +
                  std::to_string(charts[i].height) +
                  " dynamic noenhanced font 'DejaVu Sans,12' background rgb 'white'\n";
        script += "set output " + gnuplot_string(std::to_string(i) + ".svg") + "\n";
        script += house_style;
        script += charts[i].script;
        script += "\nunset output\n";
    }
    write_bytes(directory.path() + "/charts.gp", script);
    const ProgramRun run = run_program({"gnuplot", "charts.gp"}, directory.path(), {});
    if (run.exit_status != 0 || run.killed_by != 0)
        throw InternalError("gnuplot failed to draw the report's charts: " + run.stderr_tail);
    std::vector<std::string> svgs;
    for (std::size_t i = 0; i < charts.size(); ++i) {
        const std::string file = directory.path() + "/" + std::to_string(i) + ".svg";
        svgs.push_back(read_bytes(file).str());
    }
    return svgs;
}

}  // namespace newsclf
