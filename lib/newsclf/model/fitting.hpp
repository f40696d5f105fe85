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
// The same for one of several ranks that each train on their shard of the training rows (rows i
// of split.train with i mod ranks == rank): the split is made first from the records without
// their tokens, then only the tokens of this rank's shard and of the validation rows are kept, so
// that no rank holds every headline's tokens.
TrainingSet prepare_rank_shard(std::string_view bytes, const std::string& source, std::optional<TokenStream> validation,
                               const std::string& validation_source, FitOptions& options, std::size_t rank,
                               std::size_t ranks);

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

// Calibrates a trained model (its parameters as the file keeps them) by options.calibrate: for
// "temperature", the temperature that minimises the log-loss of the validation rows' probabilities
// (held_out_probabilities when given: those of an arch whose final training took those rows; the
// model's own otherwise), 1 when there are no validation rows (said on stderr); for "none", 1.
// Sets model.temperature and model.calibration_json, which records the validation log-loss and
// ECE before and after.
void calibrate_model(Model& model, const TokenCorpus& corpus, const DataSplit& split,
                     const std::vector<float>* held_out_probabilities = nullptr);

// The training metadata of a model file: checksums, row counts, best epoch and history, and
// "final_training": "all_rows" when the last training took the validation rows too.
std::string training_json(const TrainingSet& set, const std::vector<EpochResult>& history,
                          bool final_training_on_every_row = false);

// Whether a model's final training took its validation rows too (its training metadata says
// "final_training": "all_rows"); models written before that key existed say no.
bool trained_on_every_row(const Model& model);
// The history training_json recorded in the model (empty when it has none).
std::vector<EpochResult> training_history(const Model& model);
// The rows of a subset ("all", "train" or "validation") of the split the model was trained with,
// as subset_rows; "validation" of a model trained on every row in the end is a UsageError, since
// those rows are no longer held out.
std::vector<std::size_t> subset_rows(const TokenCorpus& corpus, const std::string& subset, const Model& model);

}  // namespace newsclf
