// newsclf-fit: token stream (or labelled headlines) + word vectors -> one model file.
#include <chrono>
#include <cstring>
#include <optional>

#include "newsclf/model/fitting.hpp"
#include "newsclf/model/headline_input.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/formats/npy.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/training/distributed.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::string input = "-";
    std::string input_format = "auto";
    std::string validation;
    std::string embedding;
    std::string output = "-";
    std::vector<std::string> split_out;  // TRAIN VALIDATION: write the split instead of training
    Settings settings;  // hyperparameters as given, in order
    FitOptions fit;
};

// Whether bytes are read as a token stream: one by its magic, or another newsclf file or an
// .npy matrix, which parse_token_stream refuses for what they are; anything else is headlines.
bool is_binary_input(std::string_view bytes) { return !container_kind(bytes).empty() || is_npy(bytes); }

// A training or validation input as a token stream's bytes: the file itself, or the stream of
// its headlines, tokenised here as newsclf-tokenize --max-words 0 (--vocab VOCABULARY for a
// validation file) would.
struct TokenInput {
    std::string source;
    InputBytes file;        // a token stream given as such
    std::string tokenized;  // the token stream of headlines
    bool headlines = false;
    std::string_view bytes() const { return headlines ? std::string_view(tokenized) : file.view(); }
};

TokenInput token_input(const std::string& source, InputBytes file, const std::string& format,
                       std::optional<Vocabulary> vocabulary = std::nullopt) {
    TokenInput in;
    in.source = source;
    in.file = std::move(file);
    if (is_binary_input(in.file)) return in;
    in.headlines = true;
    HeadlineTokenizer tokenizer(parse_record_format(format), std::move(vocabulary));
    tokenizer.add(in.file, in.source);
    in.file = InputBytes();
    in.tokenized = tokenizer.token_stream_bytes();
    log_info(in.source + ": " + std::to_string(tokenizer.size()) + " headlines tokenised");
    return in;
}

// The two sides of the split that fitting with these options would make, each a token stream of
// its own: an experiment holds the same rows out of every arch's training.
void write_split(const Options& o) {
    if (!o.validation.empty()) throw UsageError("--split-out splits the token stream; it takes no --validation file");
    if (o.fit.validation_split <= 0.0)
        throw UsageError("--split-out needs a validation_split above 0 (--validation-split), or there is nothing to hold out");
    const TokenInput input = token_input(display_name(o.input), read_bytes(o.input), o.input_format);
    TokenStream tokens = parse_token_stream(input.bytes(), input.source);
    const DataSplit split = split_rows(tokens.corpus, o.fit.split_by, o.fit.validation_split, o.fit.seed);
    log_info(input.source + ": " + std::to_string(split.train.size()) + " training rows to " + o.split_out[0] + ", " +
             std::to_string(split.validation.size()) + " validation rows to " + o.split_out[1] + " (split by " +
             o.fit.split_by + ")");
    write_bytes(o.split_out[0], token_stream_bytes(select_rows(tokens, split.train)));
    write_bytes(o.split_out[1], token_stream_bytes(select_rows(tokens, split.validation)));
}

void run(Options& o) {
    o.fit = fit_options(o.settings);
    validate(o.fit);
    const std::vector<std::string> read = {o.input, o.validation, o.embedding};
    refuse_output_over_inputs(o.output, read);
    for (const auto& split : o.split_out) refuse_output_over_inputs(split, read);
    if (!o.split_out.empty()) return write_split(o);
    const Architecture& arch = architecture(o.fit.arch);
    if (arch.needs_pretrained && o.embedding.empty())
        throw UsageError("--arch " + arch.name +
                         " needs --embedding: the word vectors (GloVe or .vec text with headlines as input, the .npy "
                         "matrix from newsclf-embed with a token stream)");
    // Under mpirun every rank reads the input for itself (tokenising headlines itself), trains on
    // its shard, and only rank 0 speaks and writes the model.
    Communicator& comm = world();
    if (comm.size() > 1) {
        if (o.input == "-" || o.validation == "-")
            throw UsageError("under mpirun (" + std::to_string(comm.size()) +
                             " ranks) every rank reads the input itself: give a file, not stdin");
        if (comm.rank() > 0) set_verbosity(0);
    }
    InputBytes input_bytes = read_bytes(o.input);
    // An .npy matrix's rows follow the token ids of the stream it was made for, and those of
    // headlines tokenised here are new: the vectors themselves are what fits them.
    InputBytes embedding;
    if (!o.embedding.empty()) {
        embedding = read_bytes(o.embedding);
        if (!is_binary_input(input_bytes) && is_npy(embedding))
            throw UsageError("--embedding " + display_name(o.embedding) +
                             " is an .npy matrix, whose rows follow the token ids of another token stream; with "
                             "headlines as input give the word vectors themselves (GloVe or .vec text), or the token "
                             "stream the matrix was made for");
    }
    const TokenInput input = token_input(display_name(o.input), std::move(input_bytes), o.input_format);
    std::optional<TokenStream> tokens;
    if (!(comm.size() > 1 && arch.trains_on_rank_shards)) tokens = parse_token_stream(input.bytes(), input.source);
    std::optional<TokenStream> validation;
    if (!o.validation.empty()) {
        InputBytes bytes = read_bytes(o.validation);
        // Headlines to validate on take the training stream's words, as newsclf-tokenize --vocab.
        std::optional<Vocabulary> vocabulary;
        if (!is_binary_input(bytes))
            vocabulary = tokens ? tokens->info.vocabulary
                                : parse_token_stream(input.bytes(), input.source, [](std::size_t) { return false; })
                                      .info.vocabulary;
        const TokenInput v = token_input(o.validation, std::move(bytes), o.input_format, std::move(vocabulary));
        validation = parse_token_stream(v.bytes(), v.source);
    }
    TrainingSet set = tokens ? prepare_training_set(std::move(*tokens), input.source, std::move(validation),
                                                    o.validation, o.fit)
                             : prepare_rank_shard(input.bytes(), input.source, std::move(validation), o.validation,
                                                  o.fit, comm.rank(), comm.size());
    std::optional<Matrix> pretrained;
    if (!o.embedding.empty()) {
        const std::string name = display_name(o.embedding);
        pretrained = pretrained_rows(input.headlines ? word_vector_matrix(embedding, name, set.tokens.info)
                                                     : parse_npy(embedding, name),
                                     set.tokens.info.vocabulary.size(), name, input.source);
        embedding = InputBytes();  // the file's pages, no longer needed while training
    }
    const auto start = std::chrono::steady_clock::now();
    FittedModel fitted = fit_model(set, pretrained ? &*pretrained : nullptr, o.fit,
                                   [](const EpochResult& e) { log_info(epoch_line(e)); });
    if (comm.size() > 1)
        log_info("on " + std::to_string(comm.size()) + " ranks: " +
                 traffic_summary(comm.traffic(),
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
    if (comm.rank() == 0) write_bytes(o.output, model_bytes(fitted.model));
}

// The --arch of the command line, looked at before parsing: CLI11 answers --help before it reads
// the other options, and --help shows the defaults of the arch given.
std::string arch_in(int argc, char** argv) {
    std::string arch = FitOptions().arch;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0) break;
        if (std::strcmp(argv[i], "--arch") == 0 && i + 1 < argc) arch = argv[++i];
        else if (std::strncmp(argv[i], "--arch=", 7) == 0) arch = argv[i] + 7;
    }
    return arch;
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    static std::string shown_arch = arch_in(argc, argv);
    return tool_main(argc, argv, "newsclf-fit",
                     "Train a classifier (--arch: the workshop's network, a linear model, a fastText-style bag of "
                     "words and n-grams, a CNN, an LSTM, or an ensemble) on a token stream or labelled headlines and "
                     "write one model file.",
                     [](CLI::App& app) {
                         app.add_option("input", o.input,
                                        "token stream from newsclf-tokenize, or labelled headlines (TSV, JSON Lines "
                                        "or fastText's __label__ lines), tokenised as newsclf-tokenize --max-words 0 "
                                        "does (\"-\" is stdin)");
                         add_input_format_option(app, o.input_format);
                         static std::string needing;
                         for (const auto& a : architectures())
                             if (a.needs_pretrained) needing += (needing.empty() ? "" : ", ") + a.name;
                         app.add_option("-e,--embedding", o.embedding,
                                        "word vectors (the .npy matrix from newsclf-embed with a token stream, the "
                                        "GloVe or .vec text with headlines); required by " + needing);
                         app.add_option("--validation", o.validation,
                                        "validation headlines (a token stream of the same vocabulary, or headlines, "
                                        "tokenised with the training data's words), instead of a split of the "
                                        "training rows");
                         app.add_option("-o,--output", o.output, "model file (\"-\" is stdout)");
                         app.add_option("--split-out", o.split_out,
                                        "instead of training, write the training rows and the validation rows of the "
                                        "split (--split-by, --validation-split, --seed) as two token streams")
                             ->expected(2)
                             ->allow_extra_args(false)
                             ->type_name("FILE")
                             ->default_str("");
                         // An unknown arch shows the mlp's defaults here; parsing then refuses it.
                         static const FitOptions defaults = [] {
                             try {
                                 return fit_options({{"arch", shown_arch}});
                             } catch (const Error&) {
                                 shown_arch = FitOptions().arch;
                                 return fit_options({});
                             }
                         }();
                         app.footer("Defaults shown: --arch " + shown_arch + "'s" +
                                    (shown_arch == FitOptions().arch ? " (newsclf-fit --arch ARCH --help shows another's)" : "") +
                                    "; an option given overrides the arch's default.");
                         static std::string arch_help = "model architecture, each with its own defaults:", arch_type;
                         for (const auto& a : architectures()) {
                             arch_help += (arch_type.empty() ? " " : "; ") + a.name + ": " + a.help;
                             arch_type += (arch_type.empty() ? "{" : ",") + a.name;
                         }
                         arch_type += "}";
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
                                    h.name == "arch" ? arch_help : h.help)
                                 ->type_name(h.name == "arch" ? arch_type : h.type)
                                 ->default_str(h.get(h.name == "arch" ? FitOptions() : defaults));
                         }
                         return [] { run(o); };
                     });
}
