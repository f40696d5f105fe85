// A SageMaker training job run in process: the channel files tokenised, the word vectors read and
// the model fitted, as `newsclf-tokenize --max-words 0 | newsclf-embed | newsclf-fit` would, with
// the job's hyperparameters as newsclf-fit's options.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "newsclf/training/fit_options.hpp"
#include "newsclf/model/fitting.hpp"
#include "newsclf/sagemaker/config.hpp"
#include "newsclf/sagemaker/job.hpp"

namespace newsclf {

// The files of a channel directory (and of its subdirectories, as an S3 prefix lays them out), in
// order of their paths, without hidden files: word vectors are those whose name starts with
// "glove", headline files every other one.
struct ChannelFiles {
    std::vector<std::string> headlines;
    std::vector<std::string> vectors;
};
ChannelFiles channel_files(const std::string& directory);

// newsclf-fit's options from hyperparameters named as its long options in snake_case, over the
// defaults of the arch they name. An unknown name or a bad value is a UsageError whose message
// starts with source and the hyperparameter.
FitOptions fit_options_from_hyperparameters(const Hyperparameters& hyperparameters, const std::string& source);

struct JobTraining {
    FittedModel fitted;
    std::size_t train_rows = 0, validation_rows = 0;
};

// Trains on the job's channels: "training" (headline files and at most one glove* word vector
// file, plain, .xz or .gz) and, when there is one, "validation" (headline files, tokenised with the
// training data's vocabulary, instead of a split). A missing channel or file is a DataError that
// says where it looked.
JobTraining train_job(const TrainingJob& job, const FitOptions& options,
                      const std::function<void(const EpochResult&)>& on_epoch);

// output/data/metrics.json: {"hyperparameters": {...}, "epochs": [{"epoch": 1, "loss": ...,
// "accuracy": ..., "val_loss": ..., "val_accuracy": ...}, ...], "final": {...the last epoch...},
// "rows": ..., "train_rows": ..., "validation_rows": ..., "seconds": ...}.
std::string job_metrics_json(const JobTraining& training, double seconds);

}  // namespace newsclf
