// newsclf-tokenize: headlines (TSV, JSON Lines or plain lines) -> token stream, JSONL or statistics.
#include <functional>

#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/io/input_bytes.hpp"
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
    std::optional<Vocabulary> given;
    if (!o.vocab.empty()) given = parse_vocabulary(read_bytes(o.vocab), o.vocab);
    NormalizerSettings normalizer;
    normalizer.filters = o.filters;
    CorpusBuilder builder(normalizer, o.max_words, std::move(given));
    RecordReadOptions read_options;
    read_options.format = parse_record_format(o.input_format);
    read_options.skip_bad = o.skip_bad;
    for (const auto& input : o.inputs) {
        InputBytes bytes = read_bytes(input);
        if (is_token_stream(bytes)) {
            // A token stream given alone is shown as JSON Lines (its readable view) or as fastText
            // lines of its words (for the peers of an experiment's folds).
            if (o.inputs.size() != 1 || o.output_format == "binary" || o.stats)
                throw UsageError(display_name(input) +
                                 " is already a token stream; to view it, give it alone with --output-format jsonl "
                                 "(or fasttext for its words)");
            write_stream(parse_token_stream(bytes, display_name(input)), o);
            return;
        }
        read_records(bytes, display_name(input), read_options, [&](NewsRecord&& r) { builder.add(r); });
    }
    if (o.stats) {
        write_bytes(o.output, builder.stats_json() + "\n");
        return;
    }
    if (!o.vocab_out.empty()) write_bytes(o.vocab_out, builder.vocabulary().to_text());
    if (o.output_format == "fasttext") {
        OutputFile out(o.output);
        write_lines(out, builder.size(), [&](std::size_t i) { return builder.fasttext_line(i); });
        out.commit();
        return;
    }
    TokenStream ts = builder.finish();
    log_info(std::to_string(ts.corpus.size()) + " headlines, " + std::to_string(ts.corpus.tokens.size()) +
             " tokens, vocabulary of " + std::to_string(ts.info.vocabulary.size()) + " words");
    write_stream(ts, o);
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
                         return [] {
                             if (o.inputs.empty()) o.inputs.push_back("-");
                             run(o);
                         };
                     });
}
