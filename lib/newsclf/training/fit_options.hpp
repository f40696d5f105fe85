// newsclf-fit's hyperparameters: one table gives each its name (snake_case, the long option with
// '-' for '_'), help text, default and parser, for the command line, the model file's metadata
// and SageMaker's hyperparameters.json alike.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "newsclf/nn/optimizers.hpp"

namespace newsclf {

struct FitOptions {
    std::string preset = "none";  // a named bundle of settings (presets()), or none
    std::string arch = "mlp";
    std::size_t max_words = 10000;  // of the token stream's vocabulary; 0: all
    std::size_t epochs = 2;
    std::size_t patience = 0;  // 0: train every epoch
    std::size_t batch_size = 32;
    std::size_t max_len = 100;
    std::size_t hidden_units = 2;
    std::size_t hidden_layers = 1;
    double dropout = 0.0;  // of each hidden layer's outputs, in training
    OptimizerSettings optimizer;
    std::string lr_schedule = "constant";  // constant, linear (to 0 at the last step), cosine
    std::size_t ngrams = 2;           // linear, bag: word n-grams of 1 to ngrams words
    std::size_t buckets = 2097152;    // linear, bag: hash buckets of the n-grams of 2 words and more
    std::size_t threads = 0;          // training threads; 0: one per CPU; 1 gives the same model on every run (mlp, cnn, lstm: any number)
    std::string members = "mlp";      // ensemble: the archs of its members, comma-separated
    double validation_split = 0.2;
    std::string split_by = "row";
    std::uint64_t seed = 99;
    std::string calibrate = "temperature";  // temperature: fit on the validation rows after training; none
    bool scale_lr = false;            // under mpirun: the learning rate times the number of ranks
    std::size_t average_every = 32768;  // bag under mpirun: rows of each rank between averages of the ranks' weights
    std::size_t filters = 250;       // cnn: Conv1D filters
    std::size_t kernel_size = 3;     // cnn: Conv1D window, in tokens
    bool train_embedding = false;    // cnn: train the embedding (from the pretrained vectors) or keep it frozen
    double c = 1.0;                        // linear: weight of the loss against the L2 penalty
    std::string loss = "squared_hinge";    // linear: squared_hinge (a linear SVM) or logistic
    double tolerance = 1e-4;               // linear: stopping tolerance of the coordinate descent
    double vector_weight = 1.0;            // linear: weight of the mean word vector features (with --embedding)
    std::size_t dim = 100;            // bag: vector width without --embedding (with one, the embedding's)
    std::size_t bag_hidden = 0;       // bag: units of a hidden Dense(relu) layer; 0: none, as fastText
    std::size_t ngram_dim = 16;       // bag: width of the n-gram vectors
};

struct Hyperparameter {
    std::string name;
    std::string help;
    std::string type;  // INT, FLOAT, or the choices as {a,b}
    std::function<void(FitOptions&, const std::string&)> set;  // throws UsageError on a bad value
    std::function<std::string(const FitOptions&)> get;
};

const std::vector<Hyperparameter>& hyperparameters();

// A named bundle of hyperparameters, under the arch's defaults and over the settings given.
struct Preset {
    std::string name, help;
    std::vector<std::pair<std::string, std::string>> settings;  // hyperparameter name, value
};
const std::vector<Preset>& presets();
// The preset of that name; another name (none too) is a UsageError listing them.
const Preset& preset(const std::string& name);
// The architecture names of a members list ("linear,bag,cnn"); an empty list is a UsageError.
std::vector<std::string> member_names(const std::string& members);
// Sets one hyperparameter by name; an unknown name or a bad value is a UsageError naming it.
void set_hyperparameter(FitOptions& options, const std::string& name, const std::string& value);
// The learning rate of training over `ranks` ranks: the optimizer's, times the ranks with scale_lr.
double learning_rate_on(const FitOptions& options, std::size_t ranks);
// Checks the combination (e.g. validation_split in [0, 1)).
void validate(const FitOptions& options);
// The same, once it is known whether there are validation rows (early stopping needs them).
void validate(const FitOptions& options, bool has_validation_rows);
// {"arch": "mlp", "batch_size": "32", ...}: every value a string, as SageMaker passes them.
std::string hyperparameters_json(const FitOptions& options);

}  // namespace newsclf
