// SageMaker's training job configuration (/opt/ml/input/config/*.json), read from bytes: the
// hyperparameters, the input channels and the hosts. Each reader takes the file's contents and a
// name for messages, so that it can be fed anything; errors are UsageErrors naming the file and
// the key.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsclf {

// Name and value of each hyperparameter, in the file's order.
using Hyperparameters = std::vector<std::pair<std::string, std::string>>;

// hyperparameters.json: one JSON object whose values are strings, as SageMaker writes them. A
// string that is itself a JSON string literal ("\"adam\"", as the SageMaker SDK's framework
// estimators encode every value) is decoded; a number or boolean is taken as its JSON text
// ("2", "0.001", "true"). Another value, a name given twice, or a file that is not a JSON
// object is an error.
Hyperparameters parse_hyperparameters(std::string_view json, const std::string& source);

struct ChannelConfig {
    std::string name;
    std::string input_mode = "File";  // TrainingInputMode: File, FastFile or Pipe
    std::string content_type;         // ContentType, or empty
};

// inputdataconfig.json: {"training": {"TrainingInputMode": "File", "ContentType": ...}, ...}; the
// channels in the file's order.
std::vector<ChannelConfig> parse_input_data_config(std::string_view json, const std::string& source);

struct ResourceConfig {
    std::string current_host = "algo-1";
    std::vector<std::string> hosts{"algo-1"};
};

// resourceconfig.json: {"current_host": "algo-1", "hosts": ["algo-1", ...], ...}; the members
// that are missing keep their defaults (one host, algo-1).
ResourceConfig parse_resource_config(std::string_view json, const std::string& source);

// The hyperparameters of a job, sorted out the way SageMaker's containers do.
struct JobHyperparameters {
    Hyperparameters user;                // every other one: newsclf-fit's, or the program's
    std::optional<std::string> program;  // sagemaker_program: run this file instead of training
    Hyperparameters ignored;             // sagemaker_* (set by SageMaker itself) and _tuning_objective_metric
};
JobHyperparameters sort_hyperparameters(const Hyperparameters& all);

}  // namespace newsclf
