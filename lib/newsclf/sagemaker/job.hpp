// A SageMaker training job as its container sees it: the /opt/ml directory (or $NEWSCLF_OPT_ML),
// its configuration files, its input channels, and where the model, metrics and failure reason go.
#pragma once
#include <string>
#include <vector>

#include "newsclf/sagemaker/config.hpp"

namespace newsclf {

// $NEWSCLF_OPT_ML when set and not empty, else /opt/ml.
std::string default_opt_ml();

struct Channel {
    std::string name;
    std::string path;  // OPT_ML/input/data/NAME
};

struct TrainingJob {
    std::string opt_ml;  // absolute
    Hyperparameters hyperparameters;  // as given, every one
    std::vector<Channel> channels;
    ResourceConfig resources;

    std::string input_dir() const { return opt_ml + "/input"; }
    std::string config_dir() const { return opt_ml + "/input/config"; }
    std::string data_dir() const { return opt_ml + "/input/data"; }
    std::string hyperparameters_path() const { return config_dir() + "/hyperparameters.json"; }
    std::string input_data_config_path() const { return config_dir() + "/inputdataconfig.json"; }
    std::string resource_config_path() const { return config_dir() + "/resourceconfig.json"; }
    std::string code_dir() const { return opt_ml + "/code"; }
    std::string model_dir() const { return opt_ml + "/model"; }
    std::string model_path() const { return model_dir() + "/newsclf.model"; }
    std::string output_dir() const { return opt_ml + "/output"; }
    std::string output_data_dir() const { return output_dir() + "/data"; }
    std::string metrics_path() const { return output_data_dir() + "/metrics.json"; }
    std::string failure_path() const { return output_dir() + "/failure"; }
    // The channel of that name, or null.
    const Channel* channel(const std::string& name) const;
};

// Reads OPT_ML/input/config: without hyperparameters.json there are no hyperparameters, without
// inputdataconfig.json the channels are the directories under input/data, without
// resourceconfig.json there is one host, algo-1. A channel in Pipe mode (or a mode other than
// File and FastFile) is a UsageError: the channels must be files.
TrainingJob load_training_job(const std::string& opt_ml);

// Removes what an earlier job left at the paths this one writes (model, metrics, failure), so
// that a failed job leaves no model behind.
void remove_job_outputs(const TrainingJob& job);
// Creates a file's directory and its parents, as SageMaker does for its own; an IoError otherwise.
void create_parent_directories(const std::string& path);
// Writes the reason of a failure to OPT_ML/output/failure; returns false when OPT_ML is no
// directory, or (saying why on stderr) when the file cannot be written.
bool write_failure(const std::string& opt_ml, const std::string& reason);

}  // namespace newsclf
