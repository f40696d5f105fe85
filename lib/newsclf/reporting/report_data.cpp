// The numbers behind a report: the data's classes and title lengths, the models' scores,
// metadata, histories and strongest words, a peers benchmark's rows.
#include "newsclf/reporting/report_data.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <simdjson.h>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/fitting.hpp"
#include "newsclf/text/records.hpp"
#include "newsclf/text/tokenizer.hpp"

namespace newsclf {

namespace {

void count_title(DataSummary& summary, int label, std::size_t words) {
    ++summary.rows;
    ++summary.class_rows[static_cast<std::size_t>(label)];
    ++summary.words_per_title[std::min(words, DataSummary::words_cap)];
}

}  // namespace

DataSummary summarize_data(const std::vector<LabelledData>& data, const LabelledInputOptions& options) {
    DataSummary summary;
    for (const LabelledData& input : data) {
        if (is_token_stream(input.bytes)) {
            const TokenStream ts = parse_token_stream(input.bytes, input.source);
            for (std::size_t i = 0; i < ts.corpus.size(); ++i) {
                if (ts.corpus.labels[i] >= 0) count_title(summary, ts.corpus.labels[i], ts.corpus.length(i));
                else if (!options.skip_bad)  // as newsclf-eval says it
                    throw DataError(input.source + ": record " + std::to_string(i + 1) + " has no category");
            }
            continue;
        }
        read_records(input.bytes, input.source, labelled_record_options(options), [&](NewsRecord&& r) {
            std::size_t words = 0;
            for_each_token(r.title, r.words ? word_settings({}) : NormalizerSettings{}, [&](std::string_view) { ++words; });
            count_title(summary, r.label, words);
        });
    }
    return summary;
}

ModelSummary summarize_model(const std::string& path, const std::vector<LabelledData>& data,
                             const LabelledInputOptions& options, std::size_t words_per_class) {
    ModelSummary summary;
    summary.path = path;
    const std::string file = resolve_model_path(path);
    std::error_code error;
    summary.file_bytes = std::filesystem::file_size(file, error);
    const auto classifier = load_classifier(path);
    const Model& model = classifier->model();
    summary.arch = model.options.arch;
    summary.label = model.options.arch + (model.options.preset != "none" ? " (" + model.options.preset + ")" : "");
    summary.summary_json = model_summary_json(model);
    summary.history = training_history(model);
    TokenCorpus corpus;
    for (const LabelledData& input : data) add_labelled_bytes(corpus, input.bytes, input.source, *classifier, options);
    std::vector<std::size_t> rows(corpus.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    std::vector<std::int8_t> predicted;
    summary.metrics = evaluate_rows(*classifier, corpus, rows, &predicted);
    const ResampledRows resampled = resampled_rows(corpus, rows, "auto");
    summary.intervals =
        score_intervals(resampled.labels, predicted, resampled.unit_of_row, resampled.unit, BootstrapOptions{});
    if (words_per_class == 0) return summary;
    if (model.options.arch == "linear" || model.options.arch == "bag") {
        StrongestWords words{"the model", strongest_words(*classifier, words_per_class)};
        if (!words.words[0].empty()) summary.strongest.push_back(std::move(words));
    }
    for (const Model& member : model.members) {
        if (member.options.arch != "linear" && member.options.arch != "bag") continue;
        const Classifier member_classifier(member, path);
        StrongestWords words{"its " + member.options.arch + " member", strongest_words(member_classifier, words_per_class)};
        if (!words.words[0].empty()) summary.strongest.push_back(std::move(words));
    }
    return summary;
}

void name_models(std::vector<ModelSummary>& models) {
    std::map<std::string, std::size_t> uses, seen;
    for (const auto& m : models) ++uses[m.label];
    for (auto& m : models)
        if (uses[m.label] > 1) m.label += " #" + std::to_string(++seen[m.label]);
}

std::vector<PeerResult> read_peer_results(const std::string& path) {
    const InputBytes bytes = read_bytes(path);
    simdjson::dom::parser parser;
    simdjson::dom::array rows;
    if (parser.parse(bytes.view()).get(rows) != simdjson::SUCCESS)
        throw DataError(path + ": not a JSON array of results (scripts/bench/peers.sh --json writes one)");
    std::vector<PeerResult> results;
    std::size_t index = 0;
    for (simdjson::dom::element row : rows) {
        ++index;
        const std::string where = path + ": result " + std::to_string(index);
        PeerResult r;
        std::string_view text;
        if (row["system"].get(text) != simdjson::SUCCESS) throw DataError(where + ": field \"system\" is not a string");
        r.system = text;
        if (row["split"].get(text) != simdjson::SUCCESS) throw DataError(where + ": field \"split\" is not a string");
        r.split = text;
        if (row["accuracy"].get(r.accuracy) != simdjson::SUCCESS || r.accuracy < 0 || r.accuracy > 1)
            throw DataError(where + ": field \"accuracy\" is not a number from 0 to 1");
        if (row["macro_f1"].get(r.macro_f1) != simdjson::SUCCESS || r.macro_f1 < 0 || r.macro_f1 > 1)
            throw DataError(where + ": field \"macro_f1\" is not a number from 0 to 1");
        simdjson::dom::array interval;
        double bounds[2];
        std::size_t n = 0;
        if (row["accuracy_interval"].get(interval) == simdjson::SUCCESS) {
            for (simdjson::dom::element e : interval)
                if (n >= 2 || e.get(bounds[n++]) != simdjson::SUCCESS)
                    throw DataError(where + ": field \"accuracy_interval\" is not [lower, upper]");
            if (n != 2) throw DataError(where + ": field \"accuracy_interval\" is not [lower, upper]");
            r.accuracy_interval = Interval{bounds[0], bounds[1]};
            if (row["interval_unit"].get(text) == simdjson::SUCCESS) r.interval_unit = text;
        }
        double number = 0;
        if (row["train_s"].get(number) == simdjson::SUCCESS) r.train_seconds = number;
        if (row["model_bytes"].get(number) == simdjson::SUCCESS) r.model_bytes = number;
        results.push_back(std::move(r));
    }
    if (results.empty()) throw DataError(path + ": no results");
    return results;
}

}  // namespace newsclf
