// Headlines and word vectors read as the pipeline of tools reads them: the token stream of
// headline files is newsclf-tokenize --max-words 0's, byte for byte (--vocab's with a vocabulary),
// an unlabelled headline is refused naming its line, and the matrix of word vector text is
// newsclf-embed's, with the file's own dimension.
#include "newsclf/model/headline_input.hpp"

#include <doctest/doctest.h>

#include <string>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/embeddings.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

const char* const lines =
    "__label__b stocks rally as the fed holds rates\n"
    "__label__e kim and kanye wed\n"
    "__label__b stocks fall\n";

// What newsclf-tokenize --max-words 0 (or --vocab) writes for the same lines.
std::string pipeline_bytes(std::string_view text, std::optional<Vocabulary> vocabulary) {
    CorpusBuilder builder(NormalizerSettings{}, 0, std::move(vocabulary));
    read_records(text, "t.txt", {}, [&](NewsRecord&& r) { builder.add(r); });
    return token_stream_bytes(builder.finish());
}

}  // namespace

TEST_CASE("HeadlineTokenizer: newsclf-tokenize --max-words 0's token stream, byte for byte") {
    HeadlineTokenizer tokenizer;
    tokenizer.add(lines, "t.txt");
    CHECK(tokenizer.size() == 3);
    const std::string bytes = tokenizer.token_stream_bytes();
    CHECK(bytes == pipeline_bytes(lines, std::nullopt));
    const TokenStream ts = parse_token_stream(bytes, "t.txt");
    CHECK(ts.info.vocabulary.size() == 12);
    CHECK(ts.info.vocabulary.word(1) == "stocks");

    SUBCASE("several inputs, read in turn, make one stream") {
        HeadlineTokenizer two;
        two.add("__label__b stocks rally as the fed holds rates\n__label__e kim and kanye wed\n", "a.txt");
        two.add("__label__b stocks fall\n", "b.txt");
        CHECK(two.token_stream_bytes() == bytes);
    }
    SUBCASE("with a vocabulary, its words only, as --vocab") {
        HeadlineTokenizer validation(RecordFormat::automatic, ts.info.vocabulary);
        validation.add("__label__b the fed cuts rates\n", "v.txt");
        CHECK(validation.token_stream_bytes() == pipeline_bytes("__label__b the fed cuts rates\n", ts.info.vocabulary));
        const TokenStream v = parse_token_stream(validation.token_stream_bytes(), "v.txt");
        CHECK(v.corpus.size() == 1);
        CHECK(v.corpus.offsets.back() == 3);  // "cuts" is not a word of the vocabulary
    }
}

TEST_CASE("HeadlineTokenizer: a headline without a category names its source and line") {
    HeadlineTokenizer fasttext(RecordFormat::fasttext);
    CHECK(message_of<DataError>([&] { fasttext.add("__label__b stocks rally\nkim and kanye wed\n", "t.txt"); })
              .find("t.txt:2: ") == 0);
    HeadlineTokenizer jsonl;
    CHECK(message_of<DataError>([&] { jsonl.add("{\"title\": \"Stocks fall\"}\n", "t.jsonl"); }) ==
          "t.jsonl:1: no \"category\" field");
}

TEST_CASE("word_vector_matrix: newsclf-embed's matrix, in the vector file's dimension") {
    HeadlineTokenizer tokenizer;
    tokenizer.add(lines, "t.txt");
    const TokenStream ts = parse_token_stream(tokenizer.token_stream_bytes(), "t.txt");
    const std::string vectors = "2 3\nstocks 1 2 3\nkanye 4 5 6\nunseen 7 8 9\n";
    const Matrix m = word_vector_matrix(vectors, "v.vec", ts.info);
    const EmbeddingMatrix embed = build_embedding_matrix(vectors, "v.vec", ts.info.vocabulary, ts.info.max_words, 3);
    REQUIRE(m.shape(0) == ts.info.vocabulary.size() + 1);
    REQUIRE(m.shape(1) == 3);
    CHECK(m == embed.weights);
    CHECK(m(1, 2) == 3.0f);
    CHECK(m(0, 0) == 0.0f);
}
