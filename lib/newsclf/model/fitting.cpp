#include "newsclf/model/fitting.hpp"

#include <algorithm>
#include <cstdio>

#include <simdjson.h>

#include "newsclf/model/classifier.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/nn/temperature.hpp"
#include "newsclf/training/metrics.hpp"
#include "newsclf/training/trainer.hpp"

namespace newsclf {

namespace {

void write_evaluation(JsonWriter& w, const Evaluation& e) {
    w.begin_object().member("rows", e.rows).member("loss", e.loss).member("accuracy", e.accuracy).end_object();
}

std::string crc_text(std::uint32_t crc) {
    char text[16];
    std::snprintf(text, sizeof text, "%08x", crc);
    return text;
}

void require_labels(const TokenCorpus& corpus, const std::string& source) {
    for (std::size_t i = 0; i < corpus.size(); ++i)
        if (corpus.labels[i] < 0)
            throw DataError(source + ": record " + std::to_string(i + 1) + " (id \"" + corpus.ids[i] +
                            "\") has no category; training needs labelled headlines");
}

void write_calibration_metrics(JsonWriter& w, const MetricsAccumulator& m) {
    w.begin_object().member("log_loss", m.log_loss()).member("ece", m.ece()).end_object();
}

MetricsAccumulator metrics_of(const std::vector<float>& probabilities, const std::vector<std::int8_t>& labels) {
    MetricsAccumulator m;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        Probabilities p;
        std::copy_n(probabilities.begin() + static_cast<std::ptrdiff_t>(i * label_count), label_count, p.begin());
        m.add(labels[i], p);
    }
    return m;
}

std::string percent(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", 100 * x);
    return text;
}

}  // namespace

void calibrate_model(Model& model, const TokenCorpus& corpus, const DataSplit& split,
                     const std::vector<float>* held_out_probabilities) {
    std::string out;
    JsonWriter w(out);
    model.temperature = 1.0;
    if (model.options.calibrate == "none") {
        w.begin_object().member("method", "none").member("temperature", 1.0).end_object();
        model.calibration_json = out;
        return;
    }
    w.begin_object().member("method", "temperature");
    if (split.validation.empty()) {
        log_info("no validation rows to calibrate on: the probabilities are left as the network gives them "
                 "(temperature 1); give a validation_split above 0 or --validation to calibrate them");
        w.member("temperature", 1.0).member("validation_rows", 0).end_object();
        model.calibration_json = out;
        return;
    }
    std::vector<float> probabilities;
    if (held_out_probabilities) {
        probabilities = *held_out_probabilities;
    } else {
        auto network = architecture(model.options.arch).network(model);
        probabilities = predict_rows(*network, model.parameters.data(), corpus, split.validation, model.options.threads);
    }
    if (probabilities.size() != split.validation.size() * label_count)
        throw InternalError("calibration: the held-out probabilities do not match the validation rows");
    std::vector<std::int8_t> labels;
    for (auto r : split.validation) labels.push_back(corpus.labels[r]);
    const MetricsAccumulator before = metrics_of(probabilities, labels);
    const double t = fit_probability_temperature(probabilities.data(), labels.data(), labels.size(), label_count);
    apply_temperature(probabilities.data(), labels.size(), label_count, t);
    const MetricsAccumulator after = metrics_of(probabilities, labels);
    model.temperature = t;
    w.member("temperature", t).member("validation_rows", labels.size());
    write_calibration_metrics(w.key("before"), before);
    write_calibration_metrics(w.key("after"), after);
    w.end_object();
    model.calibration_json = out;
    char line[160];
    std::snprintf(line, sizeof line, "temperature %.4f on %zu validation rows; ECE %s -> %s, log-loss %.4f -> %.4f", t,
                  labels.size(), percent(before.ece()).c_str(), percent(after.ece()).c_str(), before.log_loss(),
                  after.log_loss());
    log_info(std::string("calibration: ") + line);
}

// Everything here is a function of the inputs, so the model stays reproducible.
std::string training_json(const TrainingSet& set, const std::vector<EpochResult>& history,
                          bool final_training_on_every_row) {
    const DataSplit& split = set.split;
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("data_crc32", crc_text(set.tokens.checksum));
    if (set.validation_checksum) w.member("validation_crc32", crc_text(*set.validation_checksum));
    w.member("rows", split.train.size() + split.validation.size());
    w.member("train_rows", split.train.size());
    w.member("validation_rows", split.validation.size());
    // Written only when true, so that the other models' files stay as they were.
    if (final_training_on_every_row) w.member("final_training", "all_rows");
    if (history.size() > 0 && history.back().validation.rows > 0) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < history.size(); ++i)
            if (history[i].validation.loss < history[best].validation.loss) best = i;
        w.member("best_epoch", history[best].epoch);
    }
    w.member("epochs_run", history.size());
    w.key("history").begin_array();
    for (const auto& e : history) {
        w.begin_object().member("epoch", e.epoch);
        write_evaluation(w.key("train"), e.train);
        write_evaluation(w.key("validation"), e.validation);
        w.end_object();
    }
    w.end_array().end_object();
    return out;
}

TrainingSet prepare_training_set(TokenStream tokens, const std::string& source, std::optional<TokenStream> validation,
                                 const std::string& validation_source, FitOptions& options) {
    TrainingSet set;
    set.tokens = std::move(tokens);
    set.source = source;
    TokenStream& ts = set.tokens;
    require_labels(ts.corpus, source);
    const Vocabulary full_vocabulary = ts.info.vocabulary;
    limit_vocabulary(ts, options.max_words);
    if (!validation) {
        set.split = split_rows(ts.corpus, options.split_by, options.validation_split, options.seed);
        return set;
    }
    // A validation stream replaces the split: its rows follow the training rows in one corpus.
    set.validation_checksum = validation->checksum;
    set.validation_source = validation_source;
    if (validation->info.vocabulary.fingerprint() != full_vocabulary.fingerprint())
        throw DataError(validation_source + ": made with another vocabulary than " + source +
                        "; tokenize it with --vocab and the training data's vocabulary");
    require_labels(validation->corpus, validation_source);
    drop_ids_beyond(validation->corpus, ts.info.vocabulary.size());
    set_hyperparameter(options, "validation_split", "0");
    set.split = split_rows(ts.corpus, options.split_by, 0.0, options.seed);
    const TokenCorpus& v = validation->corpus;
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::vector<std::uint32_t> ids(v.tokens_of(i), v.tokens_of(i) + v.length(i));
        set.split.validation.push_back(ts.corpus.size());
        ts.corpus.add(v.labels[i], v.ids[i], v.stories[i], ids);
    }
    return set;
}

TrainingSet prepare_rank_shard(std::string_view bytes, const std::string& source, std::optional<TokenStream> validation,
                               const std::string& validation_source, FitOptions& options, std::size_t rank,
                               std::size_t ranks) {
    FitOptions probe = options;
    const TrainingSet skeleton = prepare_training_set(parse_token_stream(bytes, source, [](std::size_t) { return false; }),
                                                      source, validation, validation_source, probe);
    const std::size_t records = skeleton.tokens.corpus.size() - (validation ? validation->corpus.size() : 0);
    std::vector<bool> keep(records, false);
    for (std::size_t r : skeleton.split.validation)
        if (r < records) keep[r] = true;
    std::size_t kept = 0;
    for (std::size_t i = rank; i < skeleton.split.train.size(); i += ranks, ++kept) keep[skeleton.split.train[i]] = true;
    log_verbose(source + ": rank " + std::to_string(rank) + " of " + std::to_string(ranks) + " keeps the tokens of " +
                std::to_string(kept) + " of the " + std::to_string(skeleton.split.train.size()) +
                " training rows and of the " + std::to_string(skeleton.split.validation.size()) + " validation rows");
    return prepare_training_set(parse_token_stream(bytes, source, [&keep](std::size_t i) { return keep[i]; }), source,
                                std::move(validation), validation_source, options);
}

bool trained_on_every_row(const Model& model) {
    if (model.training_json.empty()) return false;
    simdjson::dom::parser parser;
    simdjson::dom::element training;
    if (parser.parse(model.training_json).get(training) != simdjson::SUCCESS) return false;
    std::string_view final_training;
    return training["final_training"].get(final_training) == simdjson::SUCCESS && final_training == "all_rows";
}

std::vector<EpochResult> training_history(const Model& model) {
    std::vector<EpochResult> history;
    simdjson::dom::parser parser;
    simdjson::dom::array epochs;
    if (model.training_json.empty() || parser.parse(model.training_json)["history"].get(epochs) != simdjson::SUCCESS)
        return history;
    auto read = [](simdjson::dom::element e, Evaluation& into) {
        std::uint64_t rows = 0;
        if (e["rows"].get(rows) == simdjson::SUCCESS) into.rows = rows;
        if (e["loss"].get(into.loss) != simdjson::SUCCESS) into.loss = 0;
        if (e["accuracy"].get(into.accuracy) != simdjson::SUCCESS) into.accuracy = 0;
    };
    for (simdjson::dom::element e : epochs) {
        EpochResult r;
        std::uint64_t epoch = 0;
        if (e["epoch"].get(epoch) == simdjson::SUCCESS) r.epoch = epoch;
        simdjson::dom::element part;
        if (e["train"].get(part) == simdjson::SUCCESS) read(part, r.train);
        if (e["validation"].get(part) == simdjson::SUCCESS) read(part, r.validation);
        r.epochs = epochs.size();
        history.push_back(r);
    }
    return history;
}

std::vector<std::size_t> subset_rows(const TokenCorpus& corpus, const std::string& subset, const Model& model) {
    if (subset == "validation" && trained_on_every_row(model))
        throw UsageError("the model's final training took every row, its validation rows included (an " +
                         model.options.arch + " trains again on every row once its validation is done), so its "
                         "validation subset is not held out: to measure it on rows it never saw, split the token "
                         "stream first (newsclf-fit --split-out), fit on the training part and evaluate the other "
                         "with --subset all");
    return subset_rows(corpus, subset, model.options);
}

Matrix pretrained_rows(Matrix embedding, std::size_t words, const std::string& matrix_source,
                       const std::string& tokens_source) {
    if (embedding.shape(0) < words + 1)
        throw DataError(matrix_source + ": the matrix has " + std::to_string(embedding.shape(0)) + " rows, but the " +
                        std::to_string(words) + "-word vocabulary of " + tokens_source + " needs " +
                        std::to_string(words + 1) + "; build it with newsclf-embed --vocab from the same tokens");
    if (embedding.shape(0) == words + 1) return embedding;
    Matrix rows = Matrix::from_shape({words + 1, embedding.shape(1)});
    std::copy(embedding.data(), embedding.data() + rows.size(), rows.data());
    return rows;
}

FittedModel fit_model(const TrainingSet& set, const Matrix* pretrained, const FitOptions& options,
                      const std::function<void(const EpochResult&)>& on_epoch) {
    const TokenStream& ts = set.tokens;
    const Architecture& arch = architecture(options.arch);
    log_verbose("hyperparameters " + hyperparameters_json(options));
    log_verbose(set.source + ": " + std::to_string(ts.corpus.size()) + " records, vocabulary of " +
                std::to_string(ts.info.vocabulary.size()) + " words" +
                (pretrained ? "; embedding " + std::to_string(pretrained->shape(0)) + " x " +
                                  std::to_string(pretrained->shape(1))
                            : ""));
    validate(options, !set.split.validation.empty());
    log_info(std::to_string(set.split.train.size()) + " training rows, " + std::to_string(set.split.validation.size()) +
             " validation rows (" +
             (set.validation_checksum ? "from " + set.validation_source : "split by " + options.split_by) + ")");
    Model model;
    model.options = options;
    model.normalizer = ts.info.normalizer;
    model.vocabulary = ts.info.vocabulary;
    model.max_words = ts.info.max_words;
    {
        Model sizes = model;  // what the fit will hold, before it allocates any of it
        if (pretrained) sizes.embedding = *pretrained;
        check_training_memory(sizes);
    }
    std::vector<float> held_out;
    TrainingData data{ts.corpus, set.split, pretrained, on_epoch};
    if (arch.final_training_on_every_row) data.held_out_probabilities = &held_out;
    FittedModel fitted;
    fitted.history = arch.train(model, data);
    model.training_json = training_json(set, fitted.history, arch.final_training_on_every_row);
    round_to_storage(model);  // before calibration, so that it sees the stored model's probabilities
    calibrate_model(model, ts.corpus, set.split, arch.final_training_on_every_row ? &held_out : nullptr);
    Classifier classifier(std::move(model));
    auto self_tests = classifier.run_self_tests();
    fitted.model = classifier.release();
    fitted.model.self_tests = std::move(self_tests);
    return fitted;
}

}  // namespace newsclf
