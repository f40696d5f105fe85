#include "newsclf/archs/architecture.hpp"

#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/training/trainer.hpp"
#include "newsclf/archs/ensemble.hpp"
#include "newsclf/archs/cnn.hpp"
#include "newsclf/archs/lstm.hpp"
#include "newsclf/archs/linear.hpp"
#include "newsclf/archs/bag.hpp"
#include "newsclf/archs/mlp.hpp"

namespace newsclf {

std::vector<EpochResult> train_from_initialisation(const TrainableNetwork& network, Model& model, const TrainingData& data) {
    model.parameters.resize(network.parameter_count());
    PythonRandom init_rng(model.options.seed);
    network.initialize(model.parameters.data(), init_rng);
    return train_network(network, model.parameters, data.corpus, data.split, model.options, data.on_epoch, *data.ranks);
}

void round_to_storage(Model& model) {
    auto network = architecture(model.options.arch).network(model);
    for (const auto& b : network->parameter_blocks())
        if (b.storage == Storage::f16) round_to_half(model.parameters.data() + b.offset, b.size());
    for (auto& member : model.members) round_to_storage(member);
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
    for (const auto& member : member_names(options.members))
        if (architecture(member).name == "ensemble") throw UsageError("members: an ensemble cannot be a member of one");
    return options;
}

}  // namespace newsclf
