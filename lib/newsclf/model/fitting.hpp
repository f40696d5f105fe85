// Training a model from token streams: the rows of a token stream (and of a validation stream)
// split and limited to the model's vocabulary, then the architecture's training, the training
// metadata and the self-tests. newsclf-fit and newsclf-train both train through here.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "newsclf/training/data_split.hpp"
#include "newsclf/training/fit_options.hpp"
#include "newsclf/training/history.hpp"
#include "newsclf/training/model.hpp"
#include "newsclf/base/tensor.hpp"
#include "newsclf/formats/token_stream.hpp"

namespace newsclf {

// The rows a model is trained and validated on.
struct TrainingSet {
    TokenStream tokens;  // vocabulary limited to max_words; a validation stream's rows follow the training rows
    std::string source;  // names the token stream in messages
    std::optional<std::uint32_t> validation_checksum;  // of the validation stream, when there is one
    std::string validation_source;
    DataSplit split;
};

// Checks that every record is labelled, keeps options.max_words words, and splits the rows:
// by options.split_by and validation_split, or, with a validation stream (tokenised with the
// same vocabulary), into every training row and the validation stream's rows; then
// options.validation_split is 0. DataErrors name the stream and record.
TrainingSet prepare_training_set(TokenStream tokens, const std::string& source, std::optional<TokenStream> validation,
                                 const std::string& validation_source, FitOptions& options);

// The first rows of an embedding matrix, one per token id of a vocabulary of `words` words;
// a DataError naming matrix_source when it has fewer.
Matrix pretrained_rows(Matrix embedding, std::size_t words, const std::string& matrix_source,
                       const std::string& tokens_source);

struct FittedModel {
    Model model;  // rounded to its storage types, with training metadata and self-tests
    std::vector<EpochResult> history;
};

// Trains a model of options.arch (pretrained: word vectors by token id, or null), calling
// on_epoch after each epoch; logs the split on stderr.
FittedModel fit_model(const TrainingSet& set, const Matrix* pretrained, const FitOptions& options,
                      const std::function<void(const EpochResult&)>& on_epoch);

// The training metadata of a model file: checksums, row counts, best epoch and history.
std::string training_json(const TrainingSet& set, const std::vector<EpochResult>& history);

}  // namespace newsclf
