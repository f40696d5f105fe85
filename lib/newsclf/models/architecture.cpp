#include "newsclf/models/architecture.hpp"

#include "newsclf/error.hpp"
#include "newsclf/training.hpp"
#include "newsclf/models/ensemble.hpp"
#include "newsclf/models/cnn.hpp"
#include "newsclf/models/lstm.hpp"
#include "newsclf/models/linear.hpp"
#include "newsclf/models/bag.hpp"
#include "newsclf/models/mlp.hpp"

namespace newsclf {

std::vector<EpochResult> train_from_initialisation(const TrainableNetwork& network, Model& model, const TrainingData& data) {
    model.parameters.resize(network.parameter_count());
    PythonRandom init_rng(model.options.seed);
    network.initialize(model.parameters.data(), init_rng);
    return train_network(network, model.parameters, data.corpus, data.split, model.options, data.on_epoch);
}

const std::vector<Architecture>& architectures() {
    static const std::vector<Architecture> table = {
        mlp_architecture(),
        linear_architecture(),
        bag_architecture(),
        cnn_architecture(),
        lstm_architecture(),
        ensemble_architecture(),
    };
    return table;
}

const Architecture& architecture(const std::string& name) {
    std::string choices;
    for (const auto& a : architectures()) {
        if (a.name == name) return a;
        choices += (choices.empty() ? "" : ", ") + a.name;
    }
    throw UsageError("arch: \"" + name + "\" is not one of " + choices);
}

FitOptions fit_options(const Settings& settings) {
    std::string arch = "mlp";
    for (const auto& [name, value] : settings)
        if (name == "arch") arch = value;
    FitOptions options;
    for (const auto& [name, value] : architecture(arch).defaults) set_hyperparameter(options, name, value);
    for (const auto& [name, value] : settings) set_hyperparameter(options, name, value);
    return options;
}

}  // namespace newsclf
