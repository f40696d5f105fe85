// newsclf-eval: model + labelled headlines (TSV, JSON Lines or a token stream) -> metrics JSON.
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/fitting.hpp"
#include "newsclf/io/io.hpp"
#include "newsclf/training/metrics.hpp"
#include "newsclf/text/records.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/training/trainer.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::vector<std::string> inputs;
    std::string model;
    std::string output = "-";
    std::string input_format = "auto";
    std::string subset = "all";
    bool skip_bad = false;
};

void add_input(TokenCorpus& corpus, const std::string& input, const Classifier& classifier, const Options& o) {
    std::string source = display_name(input);
    InputBytes bytes = read_bytes(input);
    if (is_token_stream(bytes)) {
        TokenStream ts = parse_token_stream(bytes, source);
        if (!is_prefix_of(classifier.model().vocabulary, ts.info.vocabulary))
            throw DataError(source + ": the token stream was made with another vocabulary than the model's; "
                            "give the headlines as TSV or JSON Lines, or tokenize them with the model's vocabulary");
        drop_ids_beyond(ts.corpus, classifier.model().vocabulary.size());
        for (std::size_t i = 0; i < ts.corpus.size(); ++i) {
            if (ts.corpus.labels[i] < 0) {
                if (o.skip_bad) continue;
                throw DataError(source + ": record " + std::to_string(i + 1) + " has no category");
            }
            std::vector<std::uint32_t> tokens(ts.corpus.tokens_of(i), ts.corpus.tokens_of(i) + ts.corpus.length(i));
            corpus.add(ts.corpus.labels[i], ts.corpus.ids[i], ts.corpus.stories[i], tokens);
        }
        return;
    }
    RecordReadOptions read_options;
    read_options.format = parse_record_format(o.input_format);
    read_options.require_label = true;
    read_options.skip_bad = o.skip_bad;
    read_records(bytes, source, read_options, [&](NewsRecord&& r) {
        corpus.add(r.label, std::move(r.id), std::move(r.story), classifier.encode(r.title));
    });
}

void run(const Options& o) {
    auto classifier = load_classifier(o.model);
    TokenCorpus corpus;
    for (const auto& input : o.inputs) add_input(corpus, input, *classifier, o);
    std::vector<std::size_t> rows = subset_rows(corpus, o.subset, classifier->model());
    log_verbose(std::to_string(rows.size()) + " of " + std::to_string(corpus.size()) + " rows in the " + o.subset + " subset");
    if (rows.empty()) throw DataError("the " + o.subset + " subset holds no rows");
    std::vector<float> p = predict_rows(classifier->network(), classifier->model().parameters.data(), corpus, rows);
    MetricsAccumulator metrics;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Probabilities row;
        std::copy(p.begin() + static_cast<std::ptrdiff_t>(i * 4), p.begin() + static_cast<std::ptrdiff_t>(i * 4 + 4), row.begin());
        metrics.add(corpus.labels[rows[i]], row);
    }
    write_bytes(o.output, metrics.json() + "\n");
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-eval",
                     "Evaluate a model on labelled headlines: accuracy, macro-F1, log-loss, per-class precision, "
                     "recall, F1 and support, confusion matrix, as one JSON object.",
                     [](CLI::App& app) {
                         app.add_option("inputs", o.inputs, "labelled headlines: TSV, JSON Lines or token stream (\"-\" is stdin)")
                             ->default_str("-");
                         add_model_option(app, o.model);
                         app.add_option("-o,--output", o.output, "output file (\"-\" is stdout)");
                         add_input_format_option(app, o.input_format);
                         app.add_option("--subset", o.subset,
                                        "all rows, or the train or validation rows of the split the model was trained "
                                        "with (same data, same split_by, validation_split and seed)")
                             ->check(CLI::IsMember({"all", "train", "validation"}));
                         app.add_flag("--skip-bad", o.skip_bad, "skip bad rows and count them on stderr instead of failing");
                         return [] {
                             if (o.inputs.empty()) o.inputs.push_back("-");
                             run(o);
                         };
                     });
}
