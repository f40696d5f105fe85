// newsclf-tokenize's work on inputs of any length: headline records read a block of lines at a
// time and tokenised on several threads, the vocabulary learned (or applied) over all of them,
// then the records written in input order as a token stream, JSON Lines or fastText lines. Memory
// holds the distinct words and the blocks in flight, never the whole input: the records wait in a
// spill file (spill_file.hpp) until the vocabulary is known. Whatever the number of threads, the
// output is byte for byte that of CorpusBuilder, the plain in-memory path.
#pragma once
#include <optional>
#include <string>

#include "newsclf/formats/corpus_stats.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/io/line_reader.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/spill_file.hpp"
#include "newsclf/text/records.hpp"

namespace newsclf {

struct HeadlineTokenizerOptions {
    NormalizerSettings normalizer;
    std::size_t max_words = 10000;     // learn max_words - 1 words (0: every word) unless `given`
    std::optional<Vocabulary> given;
    RecordReadOptions read;
    std::size_t threads = 0;           // 0: one per CPU
    bool stats_only = false;           // gather the exploration, keep no records
    std::size_t block_bytes = 1 << 20; // lines a worker takes at once (about so many bytes)
};

enum class TokenOutput { binary, jsonl, fasttext };

class HeadlineTokenizer {
public:
    explicit HeadlineTokenizer(HeadlineTokenizerOptions options);
    // Every record of one input, after those of the inputs before it; DataError as read_records.
    void add_input(LineReader& input);
    std::size_t size() const { return rows_; }
    Vocabulary vocabulary() const;
    // The data set exploration (newsclf-tokenize --stats).
    std::string stats_json() const;
    // The records in input order: a token stream, its JSON Lines, or fastText lines of every word
    // of each title (what CorpusBuilder::fasttext_line writes).
    void write(OutputFile& out, TokenOutput format);

private:
    HeadlineTokenizerOptions options_;
    WordCounter counter_;  // every word, numbered by first appearance
    CorpusStats stats_;
    SpillFile spill_;      // the records, their words by number
    std::size_t rows_ = 0;
};

}  // namespace newsclf
