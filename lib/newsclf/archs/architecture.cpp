#include "newsclf/archs/architecture.hpp"

#include <algorithm>

#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/base/memory.hpp"
#include "newsclf/base/parallel.hpp"
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

namespace {

// Bytes, roughly: the parameters with their gradients, optimizer slots and the copy a model file
// is made from; the embedding (the same again when it is trained); each thread's batch activations.
double training_bytes(const Model& model, const Architecture& arch) {
    const FitOptions& o = model.options;
    double parameters = 0;
    for (const auto& block : arch.network(model)->parameter_blocks()) {
        double size = 1;
        for (auto d : block.shape) size *= static_cast<double>(d);
        parameters += size;
    }
    const double slots = o.optimizer.name == "adam" ? 2 : o.optimizer.name == "rmsprop" ? 1 : 0;
    const double dim = model.embedding.size() > 0 ? static_cast<double>(model.embedding.shape(1)) : static_cast<double>(o.dim);
    const double activations = static_cast<double>(o.batch_size) * static_cast<double>(resolve_threads(o.threads)) *
                               arch.activations_per_row(o, dim);
    return 4 * (parameters * (3 + slots) + static_cast<double>(model.embedding.size()) + activations);
}

std::string option_text(const std::string& name) {
    std::string option = "--" + name;
    std::replace(option.begin(), option.end(), '_', '-');
    return name + " (" + option + ")";
}

}  // namespace

void check_training_memory(const Model& model) {
    const Architecture& arch = architecture(model.options.arch);
    if (!arch.activations_per_row) return;
    const double needed = training_bytes(model, arch);
    const MemoryBudget budget = memory_budget();
    if (needed <= budget.bytes) return;
    // The whole-number hyperparameter whose default saves the most names the refusal.
    const FitOptions defaults = fit_options({{"arch", arch.name}});
    std::string culprit;
    double least = needed;
    for (const auto& h : hyperparameters()) {
        if (h.type != "INT" || h.get(model.options) == h.get(defaults)) continue;
        Model variant = model;
        h.set(variant.options, h.get(defaults));
        const double bytes = training_bytes(variant, arch);
        if (bytes < least)
            least = bytes, culprit = option_text(h.name) + " " + h.get(model.options) + ": ";
    }
    std::string message = culprit + "this " + arch.name + " fit would need about " + memory_text(needed) +
                          " of memory, more than the " + memory_text(budget.bytes) + " this process may take (" +
                          budget.limited_by + ")";
    if (!culprit.empty()) message += "; at its default, about " + memory_text(least);
    throw UsageError(message);
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

FitOptions fit_options(const Settings& given) {
    Settings settings;  // the preset's, then those given, which override them
    for (const auto& [name, value] : given)
        if (name == "preset") settings = value == "none" ? Settings() : preset(value).settings;
    settings.insert(settings.end(), given.begin(), given.end());
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
