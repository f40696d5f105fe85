// Records -> token corpus: the learned vocabulary, applying a given one, the statistics.
#include <doctest/doctest.h>

#include <simdjson.h>

#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/base/error.hpp"

using namespace newsclf;

namespace {
NewsRecord record(const std::string& title, int label, const std::string& story = "", const std::string& publisher = "") {
    NewsRecord r;
    r.title = title;
    r.label = label;
    r.story = story;
    r.publisher = publisher;
    r.id = std::to_string(title.size());
    return r;
}
}  // namespace

TEST_CASE("the learned vocabulary ranks by frequency, ties by first appearance, and ids follow it") {
    CorpusBuilder b(NormalizerSettings{}, 4, std::nullopt);  // keeps 3 words
    b.add(record("Apple beats Google", 1, "s1", "Reuters"));
    b.add(record("Google, Apple: apple!", 1, "s1", "AP"));
    b.add(record("Zebra", 2, "s2", "AP"));
    TokenStream ts = b.finish();
    // apple 3, google 2, beats 1, zebra 1: beats came first
    REQUIRE(ts.info.vocabulary.size() == 3);
    CHECK(ts.info.vocabulary.words() == std::vector<std::string>{"apple", "google", "beats"});
    CHECK(ts.info.max_words == 4);
    REQUIRE(ts.corpus.size() == 3);
    CHECK(std::vector<std::uint32_t>(ts.corpus.tokens_of(0), ts.corpus.tokens_of(0) + ts.corpus.length(0)) ==
          std::vector<std::uint32_t>{1, 3, 2});
    CHECK(std::vector<std::uint32_t>(ts.corpus.tokens_of(1), ts.corpus.tokens_of(1) + ts.corpus.length(1)) ==
          std::vector<std::uint32_t>{2, 1, 1});
    CHECK(ts.corpus.length(2) == 0);  // "zebra" is beyond max_words - 1
    CHECK(ts.corpus.labels == std::vector<std::int8_t>{1, 1, 2});
    CHECK(ts.corpus.stories[2] == "s2");
}

TEST_CASE("a given vocabulary is applied as it is, words outside it dropped") {
    CorpusBuilder b(NormalizerSettings{}, 10000, Vocabulary({"market", "stocks"}));
    b.add(record("Stocks rally as market cheers", 0));
    TokenStream ts = b.finish();
    CHECK(ts.info.vocabulary.size() == 2);
    CHECK(ts.info.max_words == 3);
    CHECK(std::vector<std::uint32_t>(ts.corpus.tokens_of(0), ts.corpus.tokens_of(0) + ts.corpus.length(0)) ==
          std::vector<std::uint32_t>{2, 1});
}

TEST_CASE("stats_json holds the data exploration") {
    CorpusBuilder b(NormalizerSettings{}, 3, std::nullopt);  // keeps 2 words
    b.add(record("a a b", 0, "s1", "P1"));
    b.add(record("a c", 3, "s1", "P2"));
    b.add(record("d", 3, "s2", "P1"));
    simdjson::dom::parser parser;
    simdjson::dom::element s;
    REQUIRE_FALSE(parser.parse(b.stats_json()).get(s));
    CHECK(uint64_t(s["rows"]) == 3);
    CHECK(uint64_t(s["labels"]["b"]) == 1);
    CHECK(uint64_t(s["labels"]["m"]) == 2);
    CHECK(uint64_t(s["labels"]["t"]) == 0);
    CHECK(uint64_t(s["stories"]) == 2);
    CHECK(uint64_t(s["publishers"]) == 2);
    CHECK(uint64_t(s["tokens"]) == 6);
    CHECK(uint64_t(s["distinct_words"]) == 4);
    CHECK(uint64_t(s["vocabulary_size"]) == 2);
    CHECK(uint64_t(s["out_of_vocabulary_tokens"]) == 2);  // c and d
    CHECK(double(s["out_of_vocabulary_rate"]) == doctest::Approx(2.0 / 6.0));
    CHECK(uint64_t(s["tokens_per_title"]["max"]) == 3);
    CHECK(uint64_t(s["tokens_per_title"]["min"]) == 1);
    CHECK(uint64_t(s["title_chars"]["max"]) == 5);
}

TEST_CASE("token_record_json is one JSON object per record") {
    TokenCorpus c;
    c.add(2, "17", "st\"ory", {5, 6});
    c.add(-1, "", "", {});
    CHECK(token_record_json(c, 0) == "{\"id\":\"17\",\"label\":\"e\",\"story\":\"st\\\"ory\",\"tokens\":[5,6]}");
    CHECK(token_record_json(c, 1) == "{\"id\":\"\",\"label\":null,\"story\":\"\",\"tokens\":[]}");
}

TEST_CASE("token_record_fasttext: a stream of every word gives its headlines' fastText lines") {
    for (std::size_t max_words : {std::size_t{0}, std::size_t{3}}) {
        CAPTURE(max_words);
        CorpusBuilder b(NormalizerSettings{}, max_words, std::nullopt);
        b.add(record("Apple beats Google", 1));
        b.add(record("Google, Apple: apple!", 3));
        b.add(record("Zebra", -1));
        b.add(record("", 0));
        const TokenStream ts = b.finish();
        for (std::size_t i = 0; i < ts.corpus.size(); ++i) {
            CAPTURE(i);
            if (max_words == 0) CHECK(token_record_fasttext(ts, i) == b.fasttext_line(i));
        }
        if (max_words == 3) {  // apple and google kept: the other words are left out
            CHECK(token_record_fasttext(ts, 0) == "__label__t apple google");
            CHECK(token_record_fasttext(ts, 2) == "");
        }
        CHECK(token_record_fasttext(ts, 1) == "__label__m google apple apple");
        CHECK(token_record_fasttext(ts, 3) == "__label__b");
    }
}

TEST_CASE("parse_max_words: 0 or 2 to 2^31, else a UsageError saying so") {
    CHECK(parse_max_words("0") == 0);
    CHECK(parse_max_words("2") == 2);
    CHECK(parse_max_words("10000") == 10000);
    CHECK(parse_max_words("2147483648") == 2147483648u);
    for (const char* bad : {"1", "2147483649", "-1", "+5", " 5", "5x", "", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_max_words(bad), UsageError);
    }
    try {
        parse_max_words("1");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()) == "must be 0 (every word) or in [2, 2147483648], not 1");
    }
}
