// Evaluating a classifier on labelled headlines: the rows of TSV, JSON Lines or token stream
// inputs in one corpus of the model's token ids, and the metrics of a subset of them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsclf/model/classifier.hpp"
#include "newsclf/text/records.hpp"
#include "newsclf/text/token_corpus.hpp"
#include "newsclf/training/metrics.hpp"
#include "newsclf/training/uncertainty.hpp"

namespace newsclf {

struct LabelledInputOptions {
    std::string input_format = "auto";  // of headline files; a token stream is recognised by its magic
    bool skip_bad = false;              // skip (and count) bad or unlabelled rows instead of failing
};

// How labelled headline rows are read: the format given, a category required, bad rows skipped
// when skip_bad.
RecordReadOptions labelled_record_options(const LabelledInputOptions& options);

// Where rows came from: the input's name and, for a token stream, the CRC-32 of its body (what a
// model's training metadata records as data_crc32).
struct DataOrigin {
    std::string source;
    std::optional<std::uint32_t> token_stream_crc;
};

// Appends the labelled rows of `input` ("-": stdin) to corpus, as the classifier's token ids:
// headlines are encoded with its normaliser and vocabulary; a token stream must have been made
// with a vocabulary its own starts with (a DataError saying what to do otherwise), and its ids
// beyond the model's vocabulary are dropped. A row without a category is a DataError naming the
// input and record, unless skip_bad.
DataOrigin add_labelled_input(TokenCorpus& corpus, const std::string& input, const Classifier& classifier,
                              const LabelledInputOptions& options);
// The same for an input's bytes, read already; source names it in errors.
DataOrigin add_labelled_bytes(TokenCorpus& corpus, std::string_view bytes, const std::string& source,
                              const Classifier& classifier, const LabelledInputOptions& options);

// The rows of corpus in a subset ("all", "train" or "validation") as subset_rows (fitting.hpp)
// gives them. The train and validation subsets recompute the split of the model's training data,
// so they are refused (a UsageError saying what to do) on other data: a token stream whose
// checksum is not the one the model records, or headlines (several inputs, or text) that do not
// add up to the rows it was trained on.
std::vector<std::size_t> evaluation_rows(const TokenCorpus& corpus, const std::string& subset, const Model& model,
                                         const std::vector<DataOrigin>& origins);

// The metrics of the classifier on corpus's rows `rows` (in batches, as training evaluates); with
// `predicted`, also each row's predicted label index there, in the order of rows.
MetricsAccumulator evaluate_rows(const Classifier& classifier, const TokenCorpus& corpus,
                                 const std::vector<std::size_t>& rows, std::vector<std::int8_t>* predicted = nullptr);

// What the bootstrap of a score on corpus rows resamples: the rows' label indices, in the order of
// rows, and each row's unit. unit: "story" (a UsageError when no row has one), "row", or "auto",
// which is story when some row has one and row otherwise.
struct ResampledRows {
    std::vector<std::int8_t> labels;
    ResampleUnit unit = ResampleUnit::row;
    std::vector<std::uint32_t> unit_of_row;
};
ResampledRows resampled_rows(const TokenCorpus& corpus, const std::vector<std::size_t>& rows, const std::string& unit);

// Another system's predicted labels for `rows` rows, in their order, from bytes named `source`:
// one label code a line (b, t, e or m), or a JSON object a line with "label" (newsclf-predict's
// output). An unknown label, or another number of lines than rows, is a DataError naming the
// source and line.
std::vector<std::int8_t> read_predicted_labels(std::string_view bytes, const std::string& source, std::size_t rows);

}  // namespace newsclf
