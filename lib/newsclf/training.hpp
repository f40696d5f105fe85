// Training: the validation split, epochs of shuffled mini-batches, per-epoch validation. Each
// step's gradients are summed into one flat buffer, the buffer an allreduce averages.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "newsclf/fit_options.hpp"
#include "newsclf/models/mlp.hpp"
#include "newsclf/token_stream.hpp"

namespace newsclf {

struct DataSplit {
    std::vector<std::size_t> train, validation;  // row indices, in input order
};

// row: Python's random.Random(seed).shuffle of the row numbers; the first int(n * (1 - fraction)) train.
// story: whole stories by MD5 of STORY; with fraction 1/k a story is validation when
// int(md5(STORY), 16) % k == 0, otherwise when it % 1000000 < fraction * 1000000. Rows without a
// story are their own story (keyed by record id, or row number).
DataSplit split_rows(const TokenCorpus& corpus, const std::string& split_by, double fraction, std::uint64_t seed);
// The rows of a named subset: "all", "train" or "validation"; a model trained without a split
// (validation_split 0) has only "all", the others are a UsageError that says what to do.
std::vector<std::size_t> subset_rows(const TokenCorpus& corpus, const std::string& subset, const FitOptions& options);

struct Evaluation {
    double loss = 0, accuracy = 0;
    std::size_t rows = 0;
};

struct EpochResult {
    std::size_t epoch = 0, epochs = 0, steps = 0;
    Evaluation train, validation;
    double seconds = 0;
};
// "Epoch 1/2 - 9571/9571 steps - 0.52s - loss: 0.6132 - acc: 0.7701 - val_loss: 0.5512 - val_acc: 0.7968"
std::string epoch_line(const EpochResult& e);

// Probabilities (rows x classes) of the given rows, in batches.
std::vector<float> predict_rows(const MlpNetwork& network, const float* params, const TokenCorpus& corpus,
                                const std::vector<std::size_t>& rows);
Evaluation evaluate_rows(const MlpNetwork& network, const float* params, const TokenCorpus& corpus,
                         const std::vector<std::size_t>& rows);

// Trains from the initial params in place; calls on_epoch after each epoch. With a patience,
// stops once that many epochs in a row did not lower the validation loss, and leaves the
// weights of the epoch with the lowest one.
std::vector<EpochResult> train_network(const MlpNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                       const DataSplit& split, const FitOptions& options,
                                       const std::function<void(const EpochResult&)>& on_epoch);

}  // namespace newsclf
