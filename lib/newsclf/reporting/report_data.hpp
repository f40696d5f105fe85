// What a report shows, gathered: the labelled data's classes and title lengths, each model's
// metrics on that data with its metadata, history and strongest words, and the rows of a peers
// benchmark's JSON.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "newsclf/base/labels.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/model/evaluation.hpp"
#include "newsclf/model/explanation.hpp"
#include "newsclf/training/history.hpp"
#include "newsclf/training/metrics.hpp"

namespace newsclf {

// An input read once (standard input cannot be read again), for every model to score.
struct LabelledData {
    std::string source;  // as errors name it
    InputBytes bytes;
};

struct DataSummary {
    std::size_t rows = 0;
    std::array<std::size_t, label_count> class_rows{};
    // Titles by their number of words (as newsclf-tokenize splits them); the last entry counts
    // those of words_cap words or more.
    static constexpr std::size_t words_cap = 30;
    std::vector<std::size_t> words_per_title = std::vector<std::size_t>(words_cap + 1);
};

// The rows of every input that has a category (others are counted as skipped when skip_bad).
DataSummary summarize_data(const std::vector<LabelledData>& data, const LabelledInputOptions& options);

// The words a linear or bag model (or an ensemble's linear or bag member) weighs most per class.
struct StrongestWords {
    std::string of;  // "the model", "its linear member", ...
    std::array<std::vector<Contribution>, label_count> words;
};

struct ModelSummary {
    std::string path;
    std::string label;         // what charts call it: its arch and preset
    std::uintmax_t file_bytes = 0;
    std::string summary_json;  // newsclf-predict --inspect's object
    std::string arch;
    MetricsAccumulator metrics;
    ScoreIntervals intervals;  // 95%, by story when the data has stories (as newsclf-eval's)
    std::vector<EpochResult> history;
    std::vector<StrongestWords> strongest;
};

// Loads the model at path and scores it on every row of data, with newsclf-eval's default intervals.
ModelSummary summarize_model(const std::string& path, const std::vector<LabelledData>& data,
                             const LabelledInputOptions& options, std::size_t words_per_class);

// Labels that tell the models apart: each one's arch (with its preset), numbered when several share one.
void name_models(std::vector<ModelSummary>& models);

// A row of scripts/bench/peers.sh --json: {"system", "split", "accuracy", "macro_f1", ...}.
struct PeerResult {
    std::string system, split;
    double accuracy = 0, macro_f1 = 0;
    std::optional<Interval> accuracy_interval;  // its 95% interval, when the row has one
    std::string interval_unit;                  // "story" or "row"
    double train_seconds = -1;  // -1: not given
    double model_bytes = -1;
};

// The rows of a peers JSON file; a DataError naming the file, row and field otherwise.
std::vector<PeerResult> read_peer_results(const std::string& path);

}  // namespace newsclf
