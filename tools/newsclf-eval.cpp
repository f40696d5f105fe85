// newsclf-eval: model + labelled headlines (TSV, JSON Lines or a token stream) -> metrics JSON.
#include "newsclf/io/output_file.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/evaluation.hpp"
#include "newsclf/model/fitting.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::vector<std::string> inputs;
    std::string model;
    std::string output = "-";
    std::string input_format = "auto";
    std::string subset = "all";
    bool skip_bad = false;
    bool uncalibrated = false;
};

void run(const Options& o) {
    std::vector<std::string> read = model_inputs(o.model);
    read.insert(read.end(), o.inputs.begin(), o.inputs.end());
    refuse_output_over_inputs(o.output, read);
    auto classifier = load_classifier(o.model);
    if (o.uncalibrated) {  // the same network at temperature 1; the stored self-tests held for the calibrated one
        Model model = classifier->release();
        model.temperature = 1.0;
        classifier = std::make_unique<Classifier>(std::move(model), o.model);
    }
    TokenCorpus corpus;
    std::vector<DataOrigin> origins;
    for (const auto& input : o.inputs) origins.push_back(add_labelled_input(corpus, input, *classifier, {o.input_format, o.skip_bad}));
    std::vector<std::size_t> rows = evaluation_rows(corpus, o.subset, classifier->model(), origins);
    log_verbose(std::to_string(rows.size()) + " of " + std::to_string(corpus.size()) + " rows in the " + o.subset + " subset");
    if (rows.empty()) throw DataError("the " + o.subset + " subset holds no rows");
    write_bytes(o.output, evaluate_rows(*classifier, corpus, rows).json() + "\n");
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-eval",
                     "Evaluate a model on labelled headlines: accuracy, macro-F1, log-loss, calibration (ECE, Brier "
                     "score, reliability bins), per-class precision, recall, F1, support and calibration, confusion "
                     "matrix, as one JSON object.",
                     [](CLI::App& app) {
                         app.add_option("inputs", o.inputs, "labelled headlines: TSV, JSON Lines or token stream (\"-\" is stdin)")
                             ->default_str("-");
                         add_model_option(app, o.model);
                         app.add_option("-o,--output", o.output, "output file (\"-\" is stdout)");
                         add_input_format_option(app, o.input_format);
                         app.add_option("--subset", o.subset,
                                        "all rows, or the train or validation rows of the split the model was trained "
                                        "with (same data, same split_by, validation_split and seed)")
                             ->check(CLI::IsMember({"all", "train", "validation"}));
                         app.add_flag("--skip-bad", o.skip_bad, "skip bad rows and count them on stderr instead of failing");
                         app.add_flag("--uncalibrated", o.uncalibrated,
                                      "score the network's probabilities before the model's calibration (temperature 1)");
                         return [] {
                             if (o.inputs.empty()) o.inputs.push_back("-");
                             run(o);
                         };
                     });
}
