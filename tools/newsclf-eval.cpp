// newsclf-eval: model + labelled headlines (TSV, JSON Lines or a token stream) -> metrics JSON, with
// bootstrap intervals and, with --compare, the paired comparison with another system.
#include <chrono>
#include <filesystem>
#include <optional>

#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/evaluation.hpp"
#include "newsclf/model/fitting.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/training/uncertainty.hpp"
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
    std::size_t bootstrap = default_bootstrap_resamples;
    std::uint64_t seed = default_bootstrap_seed;
    std::string bootstrap_unit = "auto";
    std::string compare;
};

// B of --compare is a model (a model file, or a directory holding one), or else a file of labels.
bool is_model(const std::string& path) {
    if (path == "-") return false;
    return std::filesystem::is_directory(path) || file_holds_model(path);
}

std::unique_ptr<Classifier> load(const std::string& path, bool uncalibrated) {
    auto classifier = load_classifier(path);
    if (uncalibrated) {  // the same network at temperature 1; the stored self-tests held for the calibrated one
        Model model = classifier->release();
        model.temperature = 1.0;
        classifier = std::make_unique<Classifier>(std::move(model), path);
    }
    return classifier;
}

void run(const Options& o) {
    std::vector<std::string> read = model_inputs(o.model);
    read.insert(read.end(), o.inputs.begin(), o.inputs.end());
    if (!o.compare.empty()) {
        const std::vector<std::string> other = model_inputs(o.compare);
        read.insert(read.end(), other.begin(), other.end());
    }
    refuse_output_over_inputs(o.output, read);
    auto classifier = load(o.model, o.uncalibrated);
    const bool compare_model = !o.compare.empty() && is_model(o.compare);
    auto other = compare_model ? load(o.compare, o.uncalibrated) : nullptr;
    // Each input is read once, and encoded for each model.
    std::vector<InputBytes> bytes;
    for (const auto& input : o.inputs) bytes.push_back(read_bytes(input));
    const LabelledInputOptions input_options{o.input_format, o.skip_bad};
    TokenCorpus corpus;
    std::vector<DataOrigin> origins;
    for (std::size_t i = 0; i < o.inputs.size(); ++i)
        origins.push_back(add_labelled_bytes(corpus, bytes[i], display_name(o.inputs[i]), *classifier, input_options));
    std::vector<std::size_t> rows = evaluation_rows(corpus, o.subset, classifier->model(), origins);
    log_verbose(std::to_string(rows.size()) + " of " + std::to_string(corpus.size()) + " rows in the " + o.subset + " subset");
    if (rows.empty()) throw DataError("the " + o.subset + " subset holds no rows");
    std::vector<std::int8_t> predicted;
    const MetricsAccumulator metrics = evaluate_rows(*classifier, corpus, rows, &predicted);

    const ResampledRows resampled = resampled_rows(corpus, rows, o.bootstrap_unit);
    const auto& [labels, unit, units] = resampled;
    BootstrapOptions bootstrap;
    bootstrap.resamples = o.bootstrap;
    bootstrap.seed = o.seed;
    std::optional<ScoreIntervals> intervals;
    if (o.bootstrap > 0) {
        const auto start = std::chrono::steady_clock::now();
        intervals = score_intervals(labels, predicted, units, unit, bootstrap);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        log_verbose("bootstrap: " + std::to_string(o.bootstrap) + " resamples of " + std::to_string(intervals->units) +
                    " " + resample_unit_name(unit) + "(s) in " + std::to_string(took.count()) + " s");
    }

    std::optional<SystemComparison> comparison;
    if (!o.compare.empty()) {
        std::vector<std::int8_t> predicted_b;
        if (other) {
            TokenCorpus corpus_b;
            for (std::size_t i = 0; i < o.inputs.size(); ++i)
                add_labelled_bytes(corpus_b, bytes[i], display_name(o.inputs[i]), *other, input_options);
            if (corpus_b.size() != corpus.size())
                throw DataError(display_name(o.compare) + ": " + std::to_string(corpus_b.size()) + " rows for this model, " +
                                std::to_string(corpus.size()) + " for " + display_name(o.model));
            evaluate_rows(*other, corpus_b, rows, &predicted_b);
        } else {
            predicted_b = read_predicted_labels(read_bytes(o.compare), display_name(o.compare), rows.size());
        }
        comparison = compare_systems(labels, predicted, predicted_b, units, unit, bootstrap);
        comparison->other = display_name(o.compare);
    }
    write_bytes(o.output, metrics.json([&](JsonWriter& w) {
        if (intervals) write_json(w.key("intervals"), *intervals);
        if (comparison) write_json(w.key("comparison"), *comparison);
    }) + "\n");
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-eval",
                     "Evaluate a model on labelled headlines: accuracy, macro-F1, log-loss, calibration (ECE, Brier "
                     "score, reliability bins), per-class precision, recall, F1, support and calibration, confusion "
                     "matrix, the 95% intervals of accuracy and macro-F1 (bootstrap by story or row), and a paired "
                     "comparison with another model or system's labels (--compare), as one JSON object.",
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
                         app.add_option("--bootstrap", o.bootstrap,
                                        "resamples of the percentile bootstrap behind the 95% intervals (0: no intervals)")
                             ->capture_default_str()
                             ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
                         app.add_option("--bootstrap-unit", o.bootstrap_unit,
                                        "what a resample draws: whole stories (auto: when the rows have stories) or rows")
                             ->capture_default_str()
                             ->check(CLI::IsMember({"auto", "story", "row"}));
                         app.add_option("--seed", o.seed, "seed of the bootstrap's draws")->capture_default_str();
                         app.add_option("--compare", o.compare,
                                        "compare with B on the same rows: another model, or a file of B's labels for "
                                        "the rows in order (one code a line, or newsclf-predict's JSON Lines)")
                             ->type_name("B");
                         return [] {
                             if (o.inputs.empty()) o.inputs.push_back("-");
                             run(o);
                         };
                     });
}
