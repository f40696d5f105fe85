// Training by mini-batch gradient steps (mlp, cnn, lstm): epochs of shuffled batches, per-epoch
// validation, early stopping. Each step's gradients are summed into one flat buffer, the buffer
// an allreduce averages. Prediction and evaluation of any network over corpus rows.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "newsclf/training/data_split.hpp"
#include "newsclf/training/distributed.hpp"
#include "newsclf/training/fit_options.hpp"
#include "newsclf/training/history.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/text/token_corpus.hpp"

namespace newsclf {

// Probabilities (rows x classes) of the given rows, in batches, on up to `threads` threads (0: one
// per CPU; the same numbers whatever their number, each row's its own).
std::vector<float> predict_rows(const Network& network, const float* params, const TokenCorpus& corpus,
                                const std::vector<std::size_t>& rows, std::size_t threads = 1);
// Mean cross-entropy (probabilities clipped to [1e-7, 1 - 1e-7], as Keras does) and accuracy of
// probabilities (rows x classes) against the rows' labels.
Evaluation evaluate_probabilities(const std::vector<float>& probabilities, const TokenCorpus& corpus,
                                  const std::vector<std::size_t>& rows);
Evaluation evaluate_rows(const Network& network, const float* params, const TokenCorpus& corpus,
                         const std::vector<std::size_t>& rows, std::size_t threads = 1);

// Keras's EarlyStopping(monitor="val_loss", restore_best_weights=True) over a parameter buffer;
// with patience 0, or without validation rows, it never stops.
class EarlyStopping {
public:
    explicit EarlyStopping(std::size_t patience) : patience_(patience) {}
    // After an epoch: whether `patience` epochs in a row have not lowered the validation loss.
    bool should_stop(const EpochResult& r, const std::vector<float>& params);
    // Leaves the weights of the epoch with the lowest validation loss, if it kept any.
    void restore(std::vector<float>& params);

private:
    std::size_t patience_;
    std::vector<float> best_params_;
    double best_loss_ = 0;
    std::size_t epochs_without_improvement_ = 0;
};

// What every epoch of a trainer ends with, in one place for the trainers (train_network, the bag's
// Hogwild SGD): the epoch's clock and progress bar, the validation rows' evaluation, the history,
// the on_epoch call, and early stopping with the best weights restored at the end.
class EpochLoop {
public:
    EpochLoop(const Network& network, const TokenCorpus& corpus, const DataSplit& split, const FitOptions& options,
              const std::function<void(const EpochResult&)>& on_epoch);
    // Starts epoch `epoch` (from 1): its clock, and its progress bar over `steps`.
    ProgressBar begin(std::size_t epoch, std::size_t steps);
    // After the epoch's steps, with r's steps and train filled in: completes r (epoch, epochs,
    // validation, seconds), keeps it, calls on_epoch. Returns whether training stops here.
    bool end(EpochResult r, const std::vector<float>& params);
    // After the last epoch: leaves the best epoch's weights in params; returns the history.
    std::vector<EpochResult> finish(std::vector<float>& params);

private:
    const Network& network_;
    const TokenCorpus& corpus_;
    const std::vector<std::size_t>& validation_;
    std::size_t epochs_, epoch_ = 0;
    std::size_t threads_;  // for the validation pass
    std::function<void(const EpochResult&)> on_epoch_;
    EarlyStopping early_stopping_;
    std::chrono::steady_clock::time_point start_;
    std::vector<EpochResult> history_;
};

// Throws the DataError of a training whose loss stopped being a finite number.
[[noreturn]] void throw_diverged(double loss, std::size_t epoch, std::size_t step);

// "- loss: 0.6132 - acc: 0.7701", the running figures a progress bar shows.
std::string running_figures(double loss, double accuracy);

// Trains from the initial params in place; calls on_epoch after each epoch. With a patience,
// stops once that many epochs in a row did not lower the validation loss, and leaves the
// weights of the epoch with the lowest one. Over the ranks of world() (see the overload).
std::vector<EpochResult> train_network(const TrainableNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                       const DataSplit& split, const FitOptions& options,
                                       const std::function<void(const EpochResult&)>& on_epoch);
// Data-parallel, as Horovod: rank 0's initial weights on every rank, each rank's batches from
// its shard of split.train (rows i with i mod size == rank), each step's gradient buffer averaged
// by one allreduce, the same optimizer step everywhere (learning rate times size with scale_lr),
// the ranks' weights compared at the end. Every rank evaluates the validation rows, so that early
// stopping decides alike everywhere.
std::vector<EpochResult> train_network(const TrainableNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                       const DataSplit& split, const FitOptions& options,
                                       const std::function<void(const EpochResult&)>& on_epoch, Communicator& comm);

}  // namespace newsclf
