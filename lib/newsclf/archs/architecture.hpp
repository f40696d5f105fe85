// The model architectures newsclf-fit offers (--arch): for each, its name, its best measured
// hyperparameters, the network a model of it predicts with, and its training. newsclf-fit, the
// model file and the classifier see architectures only through this table.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "newsclf/training/data_split.hpp"
#include "newsclf/training/distributed.hpp"
#include "newsclf/training/history.hpp"
#include "newsclf/training/model.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/formats/token_stream.hpp"

namespace newsclf {

struct TrainingData {
    const TokenCorpus& corpus;  // token ids already limited to the model's vocabulary
    const DataSplit& split;
    const Matrix* pretrained;   // word vectors by token id (row 0 and words without one: zeros), or null
    std::function<void(const EpochResult&)> on_epoch;
    // The ranks that train this model together, each from its shard of split.train: the
    // process's world under mpirun; one rank for an ensemble member trained alone on its rank.
    Communicator* ranks = &world();
    // An arch whose final training takes the validation rows too (final_training_on_every_row)
    // leaves here, when not null, its probabilities of the validation rows from before that
    // training (rows x classes, in split.validation's order): the held-out rows its calibration
    // is fit on.
    std::vector<float>* held_out_probabilities = nullptr;
};

using Settings = std::vector<std::pair<std::string, std::string>>;  // hyperparameter name, value

struct Architecture {
    std::string name;
    std::string help;
    Settings defaults;        // over the table's defaults: this arch's best measured settings
    bool needs_pretrained;    // newsclf-fit requires --embedding
    // Its final training takes the validation rows too (the ensemble's members, once its weights
    // are fit): the model file says so, and newsclf-eval will not score those rows as held out.
    bool final_training_on_every_row = false;
    // Under several ranks each trains on its shard of the training rows only (rows i mod ranks),
    // so that a rank need not read the others' tokens (see prepare_rank_shard).
    bool trains_on_rank_shards = true;
    // The network of a model of this arch; it may keep pointers into the model.
    std::function<std::unique_ptr<Network>(const Model&)> network;
    // The floats one headline's activations take in a training step, forward and backward, given
    // the options and the width of the word vectors: for the memory a fit needs (see
    // check_training_memory). Null: the arch is not estimated (an ensemble's members are).
    std::function<double(const FitOptions&, double dim)> activations_per_row;
    // Fills model.parameters (and model.embedding when the arch keeps a frozen one) from
    // model.options, model.vocabulary and the data; returns the epochs' history.
    std::function<std::vector<EpochResult>(Model&, const TrainingData&)> train;
};

// For the architectures trained by gradient steps (mlp, cnn, lstm): the model's parameters from
// the network's initialisation (seeded with --seed), then train_network over the data.
std::vector<EpochResult> train_from_initialisation(const TrainableNetwork& network, Model& model, const TrainingData& data);

const std::vector<Architecture>& architectures();
// The architecture of that name; a UsageError listing the choices otherwise.
const Architecture& architecture(const std::string& name);
// Options from settings in order, over those of the preset they name (a "preset" setting) and
// the defaults of the arch they name (the last "arch" setting, the preset's, or mlp). Unknown
// names and bad values are UsageErrors naming them.
FitOptions fit_options(const Settings& settings);
// Refuses (a UsageError, exit 2) a fit whose estimated memory exceeds what this process may take
// (base/memory.hpp), naming the hyperparameter that, back at its default, would save the most.
// model: its options, vocabulary and, for an arch with word vectors, the embedding it trains from.
void check_training_memory(const Model& model);
// Rounds the parameters a model's network keeps as f16 in the model file as the file will: a
// model's self-tests are computed after this, so that they hold for the loaded model.
void round_to_storage(Model& model);

}  // namespace newsclf
