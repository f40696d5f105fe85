// Turns headline records into a token corpus: tokenises each title, learns the vocabulary (most
// frequent first, ties by first appearance) or applies a given one, and gathers the statistics
// of the data set exploration.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "newsclf/base/labels.hpp"
#include "newsclf/formats/corpus_stats.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/text/records.hpp"

namespace newsclf {

// A --max-words given as text: 0 (every word) or 2 to 2^31 (1 would keep no word; the token
// stream's ids are 32-bit). A UsageError saying so otherwise.
std::size_t parse_max_words(const std::string& text);

// What a tokeniser that counted `counter`'s words keeps: `given` when set, else the max_words - 1
// most frequent (0: all), ties by first appearance.
Vocabulary kept_vocabulary(const WordCounter& counter, std::size_t max_words, const std::optional<Vocabulary>& given);
// Each counted word's index in that vocabulary, by the word's number in order of first appearance
// (0: left out).
std::vector<std::uint32_t> kept_index(const WordCounter& counter, std::size_t max_words, const std::optional<Vocabulary>& given);
// The max_words a token stream records: that of a learned vocabulary, or its size + 1 for a given
// vocabulary or every word.
std::uint64_t stream_max_words(std::size_t max_words, const std::optional<Vocabulary>& given, std::size_t vocabulary_size);
// The exploration's figures of the words: tokens, distinct words, vocabulary, out of it.
WordFigures word_figures(const WordCounter& counter, std::size_t max_words, const std::optional<Vocabulary>& given);

// The plain in-memory path, record by record on one thread (the headline tokenizer's reference).
class CorpusBuilder {
public:
    // Learns a vocabulary of max_words - 1 words unless `given` is set.
    CorpusBuilder(const NormalizerSettings& normalizer, std::size_t max_words, std::optional<Vocabulary> given);
    void add(const NewsRecord& record);
    std::size_t size() const { return labels_.size(); }
    // The vocabulary learned (or given) so far.
    Vocabulary vocabulary() const;
    TokenStream finish() const;
    // Record i in fastText's format: "__label__b word word ..." with every word of the title
    // (not only the vocabulary's); no label prefix for an unlabelled record.
    std::string fasttext_line(std::size_t i) const;
    // The exploration of the data: rows, labels, stories, publishers, title lengths, tokens,
    // vocabulary size, out-of-vocabulary rate, as one JSON object.
    std::string stats_json() const;

private:
    NormalizerSettings normalizer_;
    std::size_t max_words_;
    std::optional<Vocabulary> given_;
    WordCounter counter_;
    std::vector<std::int8_t> labels_;
    std::vector<std::string> ids_, stories_;
    std::vector<std::uint64_t> offsets_{0};
    std::vector<std::uint32_t> words_;  // every title's words, by order of first appearance
    CorpusStats stats_;
};

// Appends a record in fastText's format, "__label__b word word ..." (no label for an unlabelled
// record): word_at(k) for k < count, empty words left out.
template <class WordAt>
void append_fasttext_record(std::string& out, int label, std::size_t count, const WordAt& word_at) {
    const std::size_t start = out.size();
    if (label >= 0) (out += "__label__") += label_codes[static_cast<std::size_t>(label)];
    for (std::size_t k = 0; k < count; ++k) {
        const std::string_view word = word_at(k);
        if (word.empty()) continue;
        if (out.size() > start) out += ' ';
        out += word;
    }
}

// One JSON line of a token stream record: {"id":...,"label":"b","story":...,"tokens":[...]}
std::string token_record_json(const TokenCorpus& corpus, std::size_t i);
void append_token_record_json(std::string& out, int label, std::string_view id, std::string_view story,
                              const std::vector<std::uint32_t>& tokens);
// Record i of a token stream in fastText's format, "__label__b word word ...", its words those of
// the stream's vocabulary (out-of-vocabulary tokens left out); of a stream of every word
// (--max-words 0), the line CorpusBuilder::fasttext_line wrote for the headline.
std::string token_record_fasttext(const TokenStream& stream, std::size_t i);

}  // namespace newsclf
