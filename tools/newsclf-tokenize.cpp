// newsclf-tokenize: headlines (TSV, JSON Lines or plain lines) -> token stream, JSONL or statistics.
#include <functional>

#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/formats/headline_tokenizer.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/line_reader.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/text/records.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::vector<std::string> inputs;
    std::string output = "-";
    std::string input_format = "auto";
    std::string output_format = "binary";
    std::size_t max_words = 10000;
    std::string vocab;
    std::string vocab_out;
    std::string filters = std::string(keras_default_filters);
    bool stats = false;
    bool skip_bad = false;
    std::size_t threads = 0;
};

// Writes count lines made by line(i), a megabyte at a time.
void write_lines(OutputFile& out, std::size_t count, const std::function<std::string(std::size_t)>& line) {
    std::string buffer;
    for (std::size_t i = 0; i < count; ++i) {
        buffer += line(i);
        buffer += '\n';
        if (buffer.size() > (1 << 20)) {
            out.write(buffer);
            buffer.clear();
        }
    }
    out.write(buffer);
}

void write_stream(const TokenStream& ts, const Options& o) {
    OutputFile out(o.output);
    if (o.output_format == "jsonl") {
        write_lines(out, ts.corpus.size(), [&](std::size_t i) { return token_record_json(ts.corpus, i); });
    } else if (o.output_format == "fasttext") {
        write_lines(out, ts.corpus.size(), [&](std::size_t i) { return token_record_fasttext(ts, i); });
    } else {
        TokenStreamWriter writer(out, ts.info);
        write_token_stream(ts, writer);
    }
    out.commit();
}

void run(const Options& o) {
    std::vector<std::string> read = o.inputs;
    read.push_back(o.vocab);
    refuse_output_over_inputs(o.output, read);
    refuse_output_over_inputs(o.vocab_out, read);
    HeadlineTokenizerOptions options;
    if (!o.vocab.empty()) options.given = parse_vocabulary(read_bytes(o.vocab), o.vocab);
    options.normalizer.filters = o.filters;
    options.max_words = o.max_words;
    options.read.format = parse_record_format(o.input_format);
    options.read.skip_bad = o.skip_bad;
    options.threads = o.threads;
    options.stats_only = o.stats;
    HeadlineTokenizer tokenizer(std::move(options));
    for (const auto& input : o.inputs) {
        LineReader reader(input);
        if (is_token_stream(reader.peek(64))) {
            // A token stream given alone is shown as JSON Lines (its readable view) or as fastText
            // lines of its words (for the peers of an experiment's folds).
            if (o.inputs.size() != 1 || o.output_format == "binary" || o.stats)
                throw UsageError(display_name(input) +
                                 " is already a token stream; to view it, give it alone with --output-format jsonl "
                                 "(or fasttext for its words)");
            write_stream(parse_token_stream(reader.rest(), display_name(input)), o);
            return;
        }
        tokenizer.add_input(reader);
    }
    if (o.stats) {
        write_bytes(o.output, tokenizer.stats_json() + "\n");
        return;
    }
    if (!o.vocab_out.empty()) write_bytes(o.vocab_out, tokenizer.vocabulary().to_text());
    OutputFile out(o.output);
    tokenizer.write(out, o.output_format == "jsonl"      ? TokenOutput::jsonl
                         : o.output_format == "fasttext" ? TokenOutput::fasttext
                                                         : TokenOutput::binary);
    out.commit();
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-tokenize",
                     "Normalise and tokenise headlines as the workshop does (normalize_text, then the Keras Tokenizer), "
                     "learn or apply a vocabulary, and write a token stream.",
                     [](CLI::App& app) {
                         app.add_option("inputs", o.inputs, "headline files, read in turn (\"-\" is stdin)")->default_str("-");
                         app.add_option("-o,--output", o.output, "output file (\"-\" is stdout)");
                         add_input_format_option(app, o.input_format);
                         app.add_option("--output-format", o.output_format,
                                        "binary (token stream for newsclf-fit and newsclf-eval), jsonl, or fasttext "
                                        "(\"__label__b word word ...\", every word of the title)")
                             ->check(CLI::IsMember({"binary", "jsonl", "fasttext"}));
                         app.add_option("--max-words", o.max_words,
                                        "keep the max_words - 1 most frequent words, as Keras's num_words does; 0: every word")
                             ->check(CLI::Validator(
                                 [](const std::string& v) {
                                     try {
                                         parse_max_words(v);
                                         return std::string();
                                     } catch (const UsageError& e) {
                                         return std::string(e.what());
                                     }
                                 },
                                 "0 or 2..2^31"));
                         app.add_option("--vocab", o.vocab, "apply this vocabulary (one word a line, or JSON) instead of learning one");
                         app.add_option("--vocab-out", o.vocab_out, "write the vocabulary, one word a line");
                         app.add_option("--filters", o.filters, "characters replaced by spaces (Keras's default filters)")
                             ->default_str("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~ TAB LF");
                         app.add_flag("--stats", o.stats, "print the data set exploration as JSON instead of tokens");
                         app.add_flag("--skip-bad", o.skip_bad, "skip bad rows and count them on stderr instead of failing");
                         app.add_option("--threads", o.threads, "threads; 0: one per CPU (the output is the same whatever their number)");
                         return [] {
                             if (o.inputs.empty()) o.inputs.push_back("-");
                             run(o);
                         };
                     });
}
