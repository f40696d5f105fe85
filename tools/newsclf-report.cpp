// newsclf-report: models + labelled headlines (+ a peers benchmark's JSON) -> one self-contained
// HTML page with charts.
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/reporting/report_page.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::vector<std::string> inputs;
    std::vector<std::string> models;
    std::string peers;
    std::string output = "-";
    std::string title = "newsclf report";
    std::string input_format = "auto";
    std::size_t words = 12;
    bool skip_bad = false;
};

void run(const Options& o) {
    std::vector<std::string> read = o.inputs;
    for (const auto& model : o.models) {
        const auto files = model_inputs(model);
        read.insert(read.end(), files.begin(), files.end());
    }
    if (!o.peers.empty()) read.push_back(o.peers);
    refuse_output_over_inputs(o.output, read);
    const LabelledInputOptions options{o.input_format, o.skip_bad};
    ReportContent content;
    content.title = o.title;
    std::vector<LabelledData> data;
    for (const auto& input : o.inputs) {
        content.data_sources.push_back(display_name(input));
        data.push_back({display_name(input), read_bytes(input)});
    }
    content.data = summarize_data(data, options);
    if (content.data.rows == 0) throw DataError("no labelled headlines to report on");
    for (const auto& model : o.models) {
        log_info("scoring " + model + " on " + std::to_string(content.data.rows) + " headlines");
        content.models.push_back(summarize_model(model, data, options, o.words));
    }
    name_models(content.models);
    if (!o.peers.empty()) {
        content.peers_source = o.peers;
        content.peers = read_peer_results(o.peers);
    }
    write_bytes(o.output, report_html(content));
    if (o.output != "-") log_info("wrote " + o.output);
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-report",
                     "Write one self-contained HTML page about models and the labelled headlines they are scored on: "
                     "the data's categories and title lengths; each model's accuracy, macro-F1 and calibration, "
                     "learning curves, confusion matrix, per-category precision, recall and F1, reliability diagram, "
                     "strongest words and metadata, side by side; and a peers benchmark's results. Its charts are SVG "
                     "drawn by gnuplot.",
                     [](CLI::App& app) {
                         app.add_option("inputs", o.inputs,
                                        "labelled headlines: TSV, JSON Lines, fastText lines or token stream (\"-\" is stdin)")
                             ->default_str("-");
                         app.add_option("-m,--model", o.models,
                                        "model file, or a directory holding one; give it again for each model to compare")
                             ->default_str("")
                             ->allow_extra_args(false);  // -m A -m B FILE: FILE is no model
                         app.add_option("--peers", o.peers,
                                        "results of scripts/bench/peers.sh --json, shown in a section of their own");
                         app.add_option("-o,--output", o.output, "HTML file (\"-\" is stdout)");
                         app.add_option("--title", o.title, "the page's title")->capture_default_str();
                         app.add_option("--words", o.words,
                                        "strongest words shown per category for linear and bag models (0: none)")
                             ->capture_default_str()
                             ->check(CLI::Range(0, 1000));
                         add_input_format_option(app, o.input_format);
                         app.add_flag("--skip-bad", o.skip_bad, "skip bad rows and count them on stderr instead of failing");
                         return [] {
                             if (o.inputs.empty()) o.inputs.push_back("-");
                             run(o);
                         };
                     });
}
