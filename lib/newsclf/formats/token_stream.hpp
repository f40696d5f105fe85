// The token stream between newsclf-tokenize and the tools that train and evaluate: a newsclf
// container of kind "tokens" whose header carries the vocabulary and normaliser settings, and
// whose body holds one record per headline (label, record id, story id, token ids).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "newsclf/io/output_file.hpp"
#include "newsclf/text/normalizer.hpp"
#include "newsclf/text/token_corpus.hpp"
#include "newsclf/text/vocabulary.hpp"

namespace newsclf {

struct TokenStreamInfo {
    Vocabulary vocabulary;
    NormalizerSettings normalizer;
    std::uint64_t max_words = 10000;
};

struct TokenStream {
    TokenStreamInfo info;
    TokenCorpus corpus;
    std::uint32_t checksum = 0;  // CRC-32 of the whole stream before its trailer
};

// Writes a token stream record by record, to a file or to any sink of bytes; the trailer is added
// by finish().
class TokenStreamWriter {
public:
    TokenStreamWriter(OutputFile& out, const TokenStreamInfo& info);
    TokenStreamWriter(std::function<void(std::string_view)> sink, const TokenStreamInfo& info);
    void add(int label, std::string_view id, std::string_view story, const std::vector<std::uint32_t>& tokens);
    // Records encoded by append_token_record, `count` of them, whose CRC-32 (crc32_of) is crc.
    void add_encoded(std::string_view records, std::size_t count, std::uint32_t crc);
    void finish();

private:
    void emit(bool force);
    std::function<void(std::string_view)> sink_;
    std::string pending_;
    std::uint64_t written_ = 0;
    std::uint64_t records_ = 0;
    std::uint32_t crc_ = 0;
};

// Appends one record as a token stream holds it (a longer headline keeps its last 65,535 tokens,
// the ones a network padded at the front sees).
void append_token_record(std::string& out, int label, std::string_view id, std::string_view story,
                         const std::uint32_t* tokens, std::size_t count);

std::string normalizer_to_json(const NormalizerSettings& s);
NormalizerSettings normalizer_from_json(std::string_view json, const std::string& source);

// Keeps the max_words - 1 most frequent words (0: all): the vocabulary's first words, and only
// their ids in the records, as if the text had been tokenized with that max_words.
void limit_vocabulary(TokenStream& ts, std::size_t max_words);

// The whole stream, as newsclf-tokenize writes it: records in order, then the trailer.
void write_token_stream(const TokenStream& ts, TokenStreamWriter& writer);
std::string token_stream_bytes(const TokenStream& ts);

bool is_token_stream(std::string_view bytes);
// Reads a whole token stream; a truncated, corrupt or newer stream is a FormatError.
TokenStream parse_token_stream(std::string_view bytes, const std::string& source);
// The same, keeping the token ids of only the records i (from 0) for which keep_tokens(i): the
// others are there with their label, id and story and no tokens (their ids checked all the same).
TokenStream parse_token_stream(std::string_view bytes, const std::string& source,
                               const std::function<bool(std::size_t)>& keep_tokens);

}  // namespace newsclf
