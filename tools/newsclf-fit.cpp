// newsclf-fit: token stream + embedding matrix -> one model file.
#include <optional>

#include "newsclf/classifier.hpp"
#include "newsclf/io.hpp"
#include "newsclf/json.hpp"
#include "newsclf/labels.hpp"
#include "newsclf/model_file.hpp"
#include "newsclf/models/architecture.hpp"
#include "newsclf/npy.hpp"
#include "newsclf/token_stream.hpp"
#include "newsclf/training.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::string tokens = "-";
    std::string validation;
    std::string embedding;
    std::string output = "-";
    Settings settings;  // hyperparameters as given, in order
    FitOptions fit;
};

std::string evaluation_json(const Evaluation& e) {
    return "{\"rows\":" + std::to_string(e.rows) + ",\"loss\":" + json_number(e.loss) +
           ",\"accuracy\":" + json_number(e.accuracy) + "}";
}

std::string crc_text(std::uint32_t crc) {
    char text[16];
    std::snprintf(text, sizeof text, "%08x", crc);
    return text;
}

// Training metadata: everything here is a function of the inputs, so the model stays reproducible.
std::string training_json(const TokenStream& ts, const TokenStream* validation, const DataSplit& split,
                          const std::vector<EpochResult>& history) {
    std::string out = "{\"data_crc32\":\"" + crc_text(ts.checksum) + "\"";
    if (validation) out += ",\"validation_crc32\":\"" + crc_text(validation->checksum) + "\"";
    out += ",\"rows\":" + std::to_string(split.train.size() + split.validation.size());
    out += ",\"train_rows\":" + std::to_string(split.train.size());
    out += ",\"validation_rows\":" + std::to_string(split.validation.size());
    if (history.size() > 0 && history.back().validation.rows > 0) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < history.size(); ++i)
            if (history[i].validation.loss < history[best].validation.loss) best = i;
        out += ",\"best_epoch\":" + std::to_string(history[best].epoch);
    }
    out += ",\"epochs_run\":" + std::to_string(history.size());
    out += ",\"history\":[";
    for (std::size_t i = 0; i < history.size(); ++i) {
        out += (i ? "," : "") + std::string("{\"epoch\":") + std::to_string(history[i].epoch) +
               ",\"train\":" + evaluation_json(history[i].train) +
               ",\"validation\":" + evaluation_json(history[i].validation) + "}";
    }
    return out + "]}";
}

void require_labels(const TokenCorpus& corpus, const std::string& source) {
    for (std::size_t i = 0; i < corpus.size(); ++i)
        if (corpus.labels[i] < 0)
            throw DataError(source + ": record " + std::to_string(i + 1) + " (id \"" + corpus.ids[i] +
                            "\") has no category; training needs labelled headlines");
}

// The first rows of the embedding matrix, one per token id of a vocabulary of `words` words.
Matrix pretrained_rows(const std::string& path, std::size_t words, const std::string& tokens_source) {
    Matrix embedding = parse_npy(read_bytes(path), path);
    if (embedding.shape(0) < words + 1)
        throw DataError(path + ": the matrix has " + std::to_string(embedding.shape(0)) + " rows, but the " +
                        std::to_string(words) + "-word vocabulary of " + tokens_source + " needs " +
                        std::to_string(words + 1) + "; build it with newsclf-embed --vocab from the same tokens");
    if (embedding.shape(0) == words + 1) return embedding;
    Matrix rows = Matrix::from_shape({words + 1, embedding.shape(1)});
    std::copy(embedding.data(), embedding.data() + rows.size(), rows.data());
    return rows;
}

void run(Options& o) {
    o.fit = fit_options(o.settings);
    validate(o.fit);
    const Architecture& arch = architecture(o.fit.arch);
    if (arch.needs_pretrained && o.embedding.empty())
        throw UsageError("--arch " + arch.name + " needs --embedding: the word vectors from newsclf-embed");
    std::string source = display_name(o.tokens);
    TokenStream ts = parse_token_stream(read_bytes(o.tokens), source);
    require_labels(ts.corpus, source);
    const Vocabulary full_vocabulary = ts.info.vocabulary;
    limit_vocabulary(ts, o.fit.max_words);
    // A validation file replaces the split: its rows follow the training rows in one corpus.
    std::optional<TokenStream> validation;
    DataSplit split;
    if (!o.validation.empty()) {
        validation = parse_token_stream(read_bytes(o.validation), o.validation);
        if (validation->info.vocabulary.fingerprint() != full_vocabulary.fingerprint())
            throw DataError(o.validation + ": made with another vocabulary than " + source +
                            "; tokenize it with --vocab and the training data's vocabulary");
        require_labels(validation->corpus, o.validation);
        drop_ids_beyond(validation->corpus, ts.info.vocabulary.size());
        set_hyperparameter(o.fit, "validation_split", "0");
        split = split_rows(ts.corpus, o.fit.split_by, 0.0, o.fit.seed);
        for (std::size_t i = 0; i < validation->corpus.size(); ++i) {
            std::vector<std::uint32_t> tokens(validation->corpus.tokens_of(i),
                                              validation->corpus.tokens_of(i) + validation->corpus.length(i));
            split.validation.push_back(ts.corpus.size());
            ts.corpus.add(validation->corpus.labels[i], validation->corpus.ids[i], validation->corpus.stories[i], tokens);
        }
    } else {
        split = split_rows(ts.corpus, o.fit.split_by, o.fit.validation_split, o.fit.seed);
    }
    std::optional<Matrix> pretrained;
    if (!o.embedding.empty()) pretrained = pretrained_rows(o.embedding, ts.info.vocabulary.size(), source);
    log_verbose("hyperparameters " + hyperparameters_json(o.fit));
    log_verbose(source + ": " + std::to_string(ts.corpus.size()) + " records, vocabulary of " +
                std::to_string(ts.info.vocabulary.size()) + " words" +
                (pretrained ? "; embedding " + std::to_string(pretrained->shape(0)) + " x " + std::to_string(pretrained->shape(1)) : ""));
    validate(o.fit, !split.validation.empty());
    log_info(std::to_string(split.train.size()) + " training rows, " + std::to_string(split.validation.size()) +
             " validation rows (" + (validation ? "from " + o.validation : "split by " + o.fit.split_by) + ")");
    Model model;
    model.options = o.fit;
    model.normalizer = ts.info.normalizer;
    model.vocabulary = ts.info.vocabulary;
    model.max_words = ts.info.max_words;
    TrainingData data{ts.corpus, split, pretrained ? &*pretrained : nullptr,
                      [](const EpochResult& e) { log_info(epoch_line(e)); }};
    auto history = arch.train(model, data);
    model.training_json = training_json(ts, validation ? &*validation : nullptr, split, history);
    round_to_storage(model);
    Classifier classifier(std::move(model));
    auto self_tests = classifier.run_self_tests();
    Model finished = classifier.release();
    finished.self_tests = std::move(self_tests);
    write_bytes(o.output, model_bytes(finished));
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-fit",
                     "Train a classifier (--arch: the workshop's network, a linear model, a fastText-style bag of "
                     "words and n-grams, a CNN, an LSTM, or an ensemble) on a token stream and write one model file.",
                     [](CLI::App& app) {
                         app.add_option("tokens", o.tokens, "token stream from newsclf-tokenize (\"-\" is stdin)");
                         static std::string needing;
                         for (const auto& a : architectures())
                             if (a.needs_pretrained) needing += (needing.empty() ? "" : ", ") + a.name;
                         app.add_option("-e,--embedding", o.embedding,
                                        "word vectors (.npy) from newsclf-embed, by token id; required by " + needing);
                         app.add_option("--validation", o.validation,
                                        "token stream of validation headlines (same vocabulary), instead of a split "
                                        "of the training rows");
                         app.add_option("-o,--output", o.output, "model file (\"-\" is stdout)");
                         static const FitOptions defaults;
                         for (const auto& h : hyperparameters()) {
                             std::string flag = "--" + h.name;
                             for (auto& c : flag)
                                 if (c == '_') c = '-';
                             app.add_option_function<std::string>(
                                    flag,
                                    [&h](const std::string& v) {
                                        h.set(o.fit, v);  // a bad value fails here, naming its option
                                        o.settings.emplace_back(h.name, v);
                                    },
                                    h.help)
                                 ->type_name(h.type)
                                 ->default_str(h.get(defaults));
                         }
                         return [] { run(o); };
                     });
}
