// newsclf-predict: model + headlines -> one JSON line per input line, in order.
#include <unistd.h>

#include "newsclf/base/parallel.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/io/line_reader.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/model/prediction.hpp"
#include "newsclf/text/records.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::string input = "-";
    std::string model;
    std::string output = "-";
    std::string input_format = "auto";
    std::string output_format = "jsonl";
    std::size_t top_k = 4;
    bool unbuffered = false;
    bool explain = false;
    bool inspect = false;
    std::size_t threads = 0;
};

constexpr std::size_t batch_lines = 512;

void run(const Options& o) {
    if (o.explain && o.output_format == "fasttext")
        throw UsageError("--explain writes JSON lines; it cannot be combined with --output-format fasttext");
    std::vector<std::string> read = model_inputs(o.model);
    read.push_back(o.input);
    refuse_output_over_inputs(o.output, read);
    auto classifier = load_classifier(o.model);
    log_verbose(o.model + ": " + classifier->model().options.arch + " model, vocabulary of " +
                std::to_string(classifier->model().vocabulary.size()) + " words, self-tests passed");
    OutputFile out(o.output);
    if (o.inspect) {
        out.write(model_summary_json(classifier->model()) + "\n");
        out.commit();
        return;
    }
    LineReader reader(o.input);
    predict_lines(reader, *classifier, parse_record_format(o.input_format),
                  PredictionFormat{o.top_k, o.explain, o.output_format == "fasttext"}, o.unbuffered ? 1 : batch_lines,
                  o.unbuffered ? 1 : resolve_threads(o.threads),
                  [&](const std::string& lines) {
                      out.write(lines);
                      if (o.unbuffered) out.flush();
                  },
                  // No bar for an interactive pipe, nor over predictions shown on the same terminal.
                  !o.unbuffered && !(is_stdio(o.output) && isatty(1)));
    out.commit();
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-predict",
                     "Classify headlines: one JSON line per input line, in order, with the label, its category name "
                     "and the class probabilities.",
                     [](CLI::App& app) {
                         app.add_option("input", o.input, "headlines: plain lines, JSON Lines (\"input\" or \"title\") or TSV (\"-\" is stdin)");
                         add_model_option(app, o.model);
                         app.add_option("-o,--output", o.output, "output file (\"-\" is stdout)");
                         add_input_format_option(app, o.input_format);
                         app.add_option("--output-format", o.output_format,
                                        "jsonl, or fasttext (\"__label__m 0.93 __label__b 0.04 ...\", top-k labels "
                                        "best first, as fasttext predict-prob writes)")
                             ->check(CLI::IsMember({"jsonl", "fasttext"}));
                         app.add_option("-k,--top-k", o.top_k, "probabilities of the k most probable labels, best first (4: all, in b t e m order)")
                             ->check(CLI::Range(1, 4));
                         app.add_flag("-u,--unbuffered", o.unbuffered, "answer each line as soon as it is read (interactive pipes)");
                         app.add_flag("--explain", o.explain,
                                      "add each word's and n-gram's part in the chosen class (exact for linear and bag, "
                                      "by leaving words out otherwise)");
                         app.add_option("--threads", o.threads,
                                        "threads; 0: one per CPU (the output is the same, in input order, whatever their "
                                        "number; --unbuffered uses one)");
                         app.add_flag("--inspect", o.inspect, "print the model's metadata and tensor shapes as JSON instead");
                         return [] { run(o); };
                     });
}
