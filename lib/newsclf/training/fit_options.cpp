#include "newsclf/training/fit_options.hpp"

#include <charconv>
#include <cmath>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"

namespace newsclf {

namespace {

std::size_t parse_count(const std::string& name, const std::string& v, std::size_t min) {
    std::size_t out = 0;
    auto res = std::from_chars(v.data(), v.data() + v.size(), out);
    if (res.ec != std::errc() || res.ptr != v.data() + v.size() || out < min)
        throw UsageError(name + ": \"" + v + "\" is not an integer >= " + std::to_string(min));
    return out;
}

double parse_real(const std::string& name, const std::string& v, double min, double max) {
    double out = 0;
    auto res = std::from_chars(v.data(), v.data() + v.size(), out);
    if (res.ec != std::errc() || res.ptr != v.data() + v.size() || !std::isfinite(out) || out < min || out > max)
        throw UsageError(name + ": \"" + v + "\" is not a number in [" + json_number(min) + ", " + json_number(max) + "]");
    return out;
}

std::string parse_choice(const std::string& name, const std::string& v, const std::vector<std::string>& choices) {
    for (const auto& c : choices)
        if (c == v) return v;
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    throw UsageError(name + ": \"" + v + "\" is not one of " + list);
}

std::string text(double v) { return json_number(v); }

std::string preset_choices() {
    std::string list = "{none";
    for (const auto& p : presets()) list += "," + p.name;
    return list + "}";
}

std::vector<Hyperparameter> make_table() {
    std::vector<Hyperparameter> t;
    auto count = [&](const char* name, const char* help, std::size_t min, std::size_t FitOptions::*field) {
        t.push_back({name, help, "INT", [=](FitOptions& o, const std::string& v) { o.*field = parse_count(name, v, min); },
                     [=](const FitOptions& o) { return std::to_string(o.*field); }});
    };
    auto real = [&](const char* name, const char* help, double min, double max, double OptimizerSettings::*field) {
        t.push_back({name, help, "FLOAT",
                     [=](FitOptions& o, const std::string& v) { o.optimizer.*field = parse_real(name, v, min, max); },
                     [=](const FitOptions& o) { return text(o.optimizer.*field); }});
    };
    // The names of archs and members are checked against the architecture table (archs/architecture.hpp),
    // which lies above this one; here they are only names.
    auto name = [](const char* option, const std::string& v) {
        if (v.empty() || v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
            throw UsageError(std::string(option) + ": \"" + v + "\" is not an architecture name");
        return v;
    };
    t.push_back({"preset",
                 "a named network: workshop, the workshop notebook's (Dense(2)); workshop-85, its original training "
                 "script's (Dense(32) x 2), where the guide's \"around 85%\" comes from; options given override it",
                 preset_choices(), [](FitOptions& o, const std::string& v) { o.preset = v == "none" ? v : preset(v).name; },
                 [](const FitOptions& o) { return o.preset; }});
    t.push_back({"arch", "model architecture, each with its own defaults (newsclf-fit --arch ARCH --help shows them)", "NAME",
                 [name](FitOptions& o, const std::string& v) { o.arch = name("arch", v); },
                 [](const FitOptions& o) { return o.arch; }});
    count("max_words",
          "keep the max_words - 1 most frequent words of the token stream's vocabulary (as Keras's num_words); 0: all",
          0, &FitOptions::max_words);
    count("epochs", "passes over the training rows", 1, &FitOptions::epochs);
    count("patience",
          "stop after this many epochs without a lower validation loss and keep the best epoch's weights; 0: never stop early",
          0, &FitOptions::patience);
    count("batch_size", "rows per gradient step", 1, &FitOptions::batch_size);
    count("max_len", "tokens per headline: longer ones keep their last max_len, shorter ones are padded at the front", 1,
          &FitOptions::max_len);
    count("hidden_units", "units of each hidden Dense(relu) layer", 1, &FitOptions::hidden_units);
    count("hidden_layers", "number of hidden Dense(relu) layers", 1, &FitOptions::hidden_layers);
    t.push_back({"dropout", "fraction of each hidden layer's outputs dropped at random in training; 0: none", "FLOAT",
                 [](FitOptions& o, const std::string& v) { o.dropout = parse_real("dropout", v, 0.0, 0.95); },
                 [](const FitOptions& o) { return text(o.dropout); }});
    t.push_back({"optimizer", "sgd, rmsprop or adam", "{sgd,rmsprop,adam}",
                 [](FitOptions& o, const std::string& v) { o.optimizer.name = parse_choice("optimizer", v, {"sgd", "rmsprop", "adam"}); },
                 [](const FitOptions& o) { return o.optimizer.name; }});
    real("learning_rate", "step size of the optimizer", 0.0, 10.0, &OptimizerSettings::learning_rate);
    real("rho", "rmsprop: decay of the mean square", 0.0, 1.0, &OptimizerSettings::rho);
    real("beta_1", "adam: decay of the first moment", 0.0, 1.0, &OptimizerSettings::beta_1);
    real("beta_2", "adam: decay of the second moment", 0.0, 1.0, &OptimizerSettings::beta_2);
    real("epsilon", "rmsprop and adam: added to the root mean square", 0.0, 1.0, &OptimizerSettings::epsilon);
    real("momentum", "sgd: momentum", 0.0, 1.0, &OptimizerSettings::momentum);
    t.push_back({"lr_schedule", "learning rate over the steps: constant, linear (down to 0 at the last step) or cosine",
                 "{constant,linear,cosine}",
                 [](FitOptions& o, const std::string& v) {
                     o.lr_schedule = parse_choice("lr_schedule", v, {"constant", "linear", "cosine"});
                 },
                 [](const FitOptions& o) { return o.lr_schedule; }});
    count("ngrams", "linear and bag: word n-grams of 1 to ngrams words", 1, &FitOptions::ngrams);
    count("buckets", "linear and bag: hash buckets shared by the n-grams of 2 and more words", 1, &FitOptions::buckets);
    count("threads", "training threads; 0: one per CPU; 1 gives the same model file on every run (mlp, cnn and lstm: any number)", 0, &FitOptions::threads);
    t.push_back({"members", "ensemble: the architectures of its members, comma-separated, each trained with its own defaults",
                 "LIST",
                 [name](FitOptions& o, const std::string& v) {
                     for (const auto& member : member_names(v)) name("members", member);
                     o.members = v;
                 },
                 [](const FitOptions& o) { return o.members; }});
    t.push_back({"validation_split", "fraction of rows (or stories) held out for validation, 0 for none", "FLOAT",
                 [](FitOptions& o, const std::string& v) { o.validation_split = parse_real("validation_split", v, 0.0, 0.9); },
                 [](const FitOptions& o) { return text(o.validation_split); }});
    t.push_back({"split_by", "row: shuffled rows (Python's random.Random(seed)); story: whole stories by MD5 of STORY",
                 "{row,story}",
                 [](FitOptions& o, const std::string& v) { o.split_by = parse_choice("split_by", v, {"row", "story"}); },
                 [](const FitOptions& o) { return o.split_by; }});
    t.push_back({"seed", "seed of the split, the initial weights and the batch order", "INT",
                 [](FitOptions& o, const std::string& v) { o.seed = parse_count("seed", v, 0); },
                 [](const FitOptions& o) { return std::to_string(o.seed); }});
    t.push_back({"calibrate",
                 "temperature: after training, one temperature fit on the validation rows calibrates the "
                 "probabilities (every arch; an ensemble's mixture); none: the network's probabilities as they are",
                 "{temperature,none}",
                 [](FitOptions& o, const std::string& v) { o.calibrate = parse_choice("calibrate", v, {"temperature", "none"}); },
                 [](const FitOptions& o) { return o.calibrate; }});
    t.push_back({"scale_lr", "mlp, cnn, lstm, bag under mpirun: 1 multiplies the learning rate by the number of ranks, as Horovod advises",
                 "{0,1}",
                 [](FitOptions& o, const std::string& v) { o.scale_lr = parse_choice("scale_lr", v, {"0", "1"}) == "1"; },
                 [](const FitOptions& o) { return std::string(o.scale_lr ? "1" : "0"); }});
    count("average_every", "bag under mpirun: rows each rank trains on between two averages of the ranks' weights", 1,
          &FitOptions::average_every);
    count("filters", "cnn: filters of the Conv1D layer", 1, &FitOptions::filters);
    count("kernel_size", "cnn: tokens per Conv1D window, at most max_len", 1, &FitOptions::kernel_size);
    t.push_back({"train_embedding", "cnn and lstm: 1 trains the embedding, started from the pretrained vectors; 0 keeps it frozen",
                 "{0,1}",
                 [](FitOptions& o, const std::string& v) { o.train_embedding = parse_choice("train_embedding", v, {"0", "1"}) == "1"; },
                 [](const FitOptions& o) { return std::string(o.train_embedding ? "1" : "0"); }});
    auto positive = [&](const char* name, const char* help, double max, double FitOptions::*field) {
        t.push_back({name, help, "FLOAT",
                     [=](FitOptions& o, const std::string& v) {
                         const double x = parse_real(name, v, 0.0, max);
                         if (x <= 0) throw UsageError(std::string(name) + ": \"" + v + "\" is not a number above 0");
                         o.*field = x;
                     },
                     [=](const FitOptions& o) { return text(o.*field); }});
    };
    positive("c", "linear: weight of the training loss against the L2 penalty of the weights (LinearSVC's C)", 1e6,
             &FitOptions::c);
    t.push_back({"loss", "linear: squared_hinge (a linear SVM, as LinearSVC) or logistic (logistic regression)",
                 "{squared_hinge,logistic}",
                 [](FitOptions& o, const std::string& v) { o.loss = parse_choice("loss", v, {"squared_hinge", "logistic"}); },
                 [](const FitOptions& o) { return o.loss; }});
    positive("tolerance",
             "linear: coordinate descent stops when a pass's projected gradients span at most this (squared_hinge) or "
             "none exceeds it (logistic)",
             1.0, &FitOptions::tolerance);
    t.push_back({"vector_weight",
                 "linear (and an ensemble's linear member): with --embedding, the headline's word vectors summed and "
                 "L2-normalised (the direction of their mean) join its TF-IDF features at this weight; 0: TF-IDF alone",
                 "FLOAT", [](FitOptions& o, const std::string& v) { o.vector_weight = parse_real("vector_weight", v, 0.0, 100.0); },
                 [](const FitOptions& o) { return text(o.vector_weight); }});
    count("dim", "bag: width of the word and n-gram vectors without --embedding (with one, the embedding's width)", 1,
          &FitOptions::dim);
    count("bag_hidden", "bag: units of a hidden Dense(relu) layer between the mean vector and the output; 0: none, as fastText",
          0, &FitOptions::bag_hidden);
    count("ngram_dim", "bag: width of the n-gram vectors (their own part of the mean vector)", 1, &FitOptions::ngram_dim);
    return t;
}

}  // namespace

std::vector<std::string> member_names(const std::string& members) {
    std::vector<std::string> names;
    std::string rest = members;
    for (std::size_t at; !rest.empty(); rest = at == std::string::npos ? "" : rest.substr(at + 1)) {
        at = rest.find(',');
        names.push_back(rest.substr(0, at));
    }
    if (names.empty()) throw UsageError("members: name at least one architecture");
    return names;
}

const std::vector<Hyperparameter>& hyperparameters() {
    static const std::vector<Hyperparameter> table = make_table();
    return table;
}

void set_hyperparameter(FitOptions& options, const std::string& name, const std::string& value) {
    for (const auto& h : hyperparameters())
        if (h.name == name) return h.set(options, value);
    throw UsageError("unknown hyperparameter \"" + name + "\"");
}

void validate(const FitOptions& options) {
    if (options.validation_split >= 1.0) throw UsageError("validation_split must be below 1");
}

double learning_rate_on(const FitOptions& options, std::size_t ranks) {
    return options.optimizer.learning_rate * (options.scale_lr ? static_cast<double>(ranks) : 1.0);
}

void validate(const FitOptions& options, bool has_validation_rows) {
    validate(options);
    if (options.patience > 0 && !has_validation_rows)
        throw UsageError("patience needs validation rows: a validation_split above 0 or a validation file");
}

const std::vector<Preset>& presets() {
    static const std::vector<Preset> table = {
        {"workshop", "the workshop notebook's network: Flatten, Dense(2, relu), Dense(4, softmax)",
         {{"arch", "mlp"}, {"hidden_units", "2"}, {"hidden_layers", "1"}}},
        {"workshop-85",
         "the workshop's original training script's network: Flatten, Dense(32, relu) x 2, Dense(4, softmax)",
         {{"arch", "mlp"}, {"hidden_units", "32"}, {"hidden_layers", "2"}}},
    };
    return table;
}

const Preset& preset(const std::string& name) {
    for (const auto& p : presets())
        if (p.name == name) return p;
    std::string list;
    for (const auto& p : presets()) list += (list.empty() ? "" : ", ") + p.name;
    throw UsageError("preset: \"" + name + "\" is not one of none, " + list);
}

std::string hyperparameters_json(const FitOptions& options) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    for (const auto& h : hyperparameters()) {
        // The preset and the settings of training under mpirun are written only when they differ
        // from their defaults, so that the models trained without them keep their bytes. So is
        // calibrate, whose default came later: the metadata "calibration" records it anyway; and
        // vector_weight, which came later too.
        if ((h.name == "preset" || h.name == "scale_lr" || h.name == "average_every" || h.name == "calibrate" ||
             h.name == "vector_weight") &&
            h.get(options) == h.get(FitOptions()))
            continue;
        w.member(h.name, h.get(options));
    }
    w.end_object();
    return out;
}

}  // namespace newsclf
