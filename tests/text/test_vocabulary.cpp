// Unit tests of lib/newsclf/vocabulary: the Keras Tokenizer's word numbering (WordCounter), num_words,
// and reading a vocabulary as one word a line, a JSON array or a Keras word_index object.
#include "newsclf/text/vocabulary.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/text/tokenizer.hpp"
#include "test_support.hpp"

using newsclf::parse_vocabulary;
using newsclf::Vocabulary;
using newsclf::WordCounter;
using Words = std::vector<std::string>;
using Indices = std::vector<std::uint32_t>;

namespace doctest {
template <>
struct StringMaker<Indices> {
    static String convert(const Indices& indices) {
        std::string out = "[";
        for (std::size_t i = 0; i < indices.size(); ++i) out += (i ? ", " : "") + std::to_string(indices[i]);
        return (out + "]").c_str();
    }
};
template <>
struct StringMaker<std::vector<Indices>> {
    static String convert(const std::vector<Indices>& sequences) {
        std::string out = "[";
        for (std::size_t i = 0; i < sequences.size(); ++i)
            out += (i ? ", " : "") + std::string(StringMaker<Indices>::convert(sequences[i]).c_str());
        return (out + "]").c_str();
    }
};
}  // namespace doctest

namespace {

// The corpus of the Keras examples below; the expectations come from the Tokenizer's
// fit_on_texts, word_index and texts_to_sequences on the same four titles.
const std::vector<std::string> titles = {"The cat sat.", "The dog sat!", "A cat? A dog.", "Zebra, zebra; zebra..."};

WordCounter count_titles(std::vector<Words>* tokens = nullptr) {
    WordCounter counter;
    for (const auto& t : titles) {
        Words words = newsclf::tokenize(t);
        counter.add(words);
        if (tokens) tokens->push_back(words);
    }
    return counter;
}

// texts_to_sequences: each word's index, words without one (index 0) dropped.
std::vector<Indices> sequences(const Vocabulary& v, const std::vector<Words>& tokens) {
    std::vector<Indices> out;
    for (const auto& words : tokens) {
        Indices seq;
        for (const auto& w : words)
            if (auto i = v.index_of(w)) seq.push_back(i);
        out.push_back(seq);
    }
    return out;
}

// The message of the DataError that parse_vocabulary throws for bytes.
std::string error_of(std::string_view bytes) {
    return newsclf::test::message_of<newsclf::DataError>([&] { parse_vocabulary(bytes, "vocab.txt"); });
}

}  // namespace

TEST_CASE("WordCounter numbers words as Keras's word_index: by count, ties by first appearance") {
    WordCounter counter = count_titles();
    CHECK(counter.distinct_words() == 6);
    CHECK(counter.total_tokens() == 13);
    // the, cat, sat, dog and a appear twice each, zebra three times although it comes last
    CHECK(counter.vocabulary(10000).words() == Words{"zebra", "the", "cat", "sat", "dog", "a"});
    // first appearance order is the, cat, sat, dog, a, zebra
    CHECK(counter.index_by_first_appearance(10000) == Indices{2, 3, 4, 5, 6, 1});
}

TEST_CASE("add_word returns the order of first appearance and counts repeats") {
    WordCounter counter;
    CHECK(counter.add_word("b") == 0);
    CHECK(counter.add_word("a") == 1);
    CHECK(counter.add_word("b") == 0);
    CHECK(counter.add_word("c") == 2);
    CHECK(counter.total_tokens() == 4);
    CHECK(counter.vocabulary(10).words() == Words{"b", "a", "c"});
    CHECK(WordCounter().vocabulary(10).size() == 0);
}

TEST_CASE("num_words: indices below max_words are kept, max_words - 1 words") {
    std::vector<Words> tokens;
    WordCounter counter = count_titles(&tokens);
    SUBCASE("more room than words: everything is kept") {
        Vocabulary v = counter.vocabulary(10);
        CHECK(v.size() == 6);
        CHECK(sequences(v, tokens) == std::vector<Indices>{{2, 3, 4}, {2, 5, 4}, {6, 3, 6, 5}, {1, 1, 1}});
        CHECK(counter.out_of_vocabulary_tokens(10) == 0);
    }
    SUBCASE("max_words = distinct words + 1 keeps all, one less drops the last") {
        CHECK(counter.vocabulary(7).size() == 6);
        CHECK(counter.vocabulary(6).words() == Words{"zebra", "the", "cat", "sat", "dog"});
        CHECK(counter.index_by_first_appearance(6) == Indices{2, 3, 4, 5, 0, 1});
        CHECK(counter.out_of_vocabulary_tokens(6) == 2);
    }
    SUBCASE("max_words = 4: three words") {
        Vocabulary v = counter.vocabulary(4);
        CHECK(v.words() == Words{"zebra", "the", "cat"});
        CHECK(sequences(v, tokens) == std::vector<Indices>{{2, 3}, {2}, {3}, {1, 1, 1}});
        CHECK(counter.index_by_first_appearance(4) == Indices{2, 3, 0, 0, 0, 1});
        CHECK(counter.out_of_vocabulary_tokens(4) == 6);
    }
    SUBCASE("max_words = 2: one word") {
        CHECK(counter.vocabulary(2).words() == Words{"zebra"});
        CHECK(counter.index_by_first_appearance(2) == Indices{0, 0, 0, 0, 0, 1});
        CHECK(counter.out_of_vocabulary_tokens(2) == 10);
    }
    SUBCASE("max_words = 1: no word at all") {
        CHECK(counter.vocabulary(1).size() == 0);
        CHECK(counter.index_by_first_appearance(1) == Indices(6, 0));
        CHECK(counter.out_of_vocabulary_tokens(1) == 13);
    }
}

TEST_CASE("Vocabulary: indices from 1, 0 for unknown words, copies that still look words up") {
    Vocabulary v(Words{"the", "cat", "sat"});
    CHECK(v.size() == 3);
    CHECK(v.index_of("the") == 1);
    CHECK(v.index_of("sat") == 3);
    CHECK(v.index_of("dog") == 0);
    CHECK(v.index_of("") == 0);
    CHECK(v.word(2) == "cat");
    CHECK_THROWS(v.word(4));
    CHECK(v.to_text() == "the\ncat\nsat\n");

    Vocabulary copy = v;
    Vocabulary moved = std::move(copy);
    Vocabulary assigned;
    assigned = moved;
    CHECK(moved.index_of("cat") == 2);
    CHECK(assigned.index_of("sat") == 3);
    CHECK(assigned.fingerprint() == v.fingerprint());
    CHECK(Vocabulary(Words{"cat", "the", "sat"}).fingerprint() != v.fingerprint());
    CHECK(Vocabulary(Words{"the", "cat", "sat", "x"}).fingerprint() != v.fingerprint());
}

TEST_CASE("parse_vocabulary reads one word a line") {
    Words expected{"the", "caf\u00e9", "o'clock", "\U0001F680"};
    CHECK(parse_vocabulary("the\ncaf\u00e9\no'clock\n\U0001F680\n", "v").words() == expected);
    CHECK(parse_vocabulary("the\ncaf\u00e9\no'clock\n\U0001F680", "v").words() == expected);  // no final newline
    Vocabulary v(Words{"zebra", "the", "cat"});
    CHECK(parse_vocabulary(v.to_text(), "v").words() == v.words());
}

TEST_CASE("parse_vocabulary reads a JSON array of words and a Keras word_index object") {
    CHECK(parse_vocabulary("[\"the\", \"cat\", \"caf\\u00e9\"]", "v").words() == Words{"the", "cat", "caf\u00e9"});
    CHECK(parse_vocabulary("\n  [\"the\"]\n", "v").words() == Words{"the"});
    CHECK(parse_vocabulary("{\"cat\": 2, \"zebra\": 3, \"the\": 1}", "v").words() == Words{"the", "cat", "zebra"});
    CHECK(parse_vocabulary(" {\"the\": 1}", "v").words() == Words{"the"});
}

TEST_CASE("parse_vocabulary refuses bad files with a message naming the line or the entry") {
    SUBCASE("one word a line") {
        CHECK(error_of("the\n\ncat\n") == "vocab.txt:2: empty line: one word a line expected");
        CHECK(error_of("the\ncat\n\n") == "vocab.txt:3: empty line: one word a line expected");
        CHECK(error_of("the\ncat\nsat\ncat\n") == "vocab.txt:4: \"cat\" repeats line 2");
        CHECK(error_of("the\r\ncat\r\n") == "vocab.txt:1: line ends with CR (CRLF line ends); convert with dos2unix");
        CHECK(error_of("the\ncat\xC3\n") == "vocab.txt:2: invalid UTF-8");
        CHECK(error_of("") == "vocab.txt: the vocabulary is empty");
    }
    SUBCASE("JSON") {
        CHECK(error_of("{\"the\": 1, \"cat\": 2, \"dog\": 4}") ==
              "vocab.txt: indices must run 1, 2, 3, ... without gaps; \"dog\" has 4");
        CHECK(error_of("{\"the\": 2, \"cat\": 3}") == "vocab.txt: indices must run 1, 2, 3, ... without gaps; \"the\" has 2");
        CHECK(error_of("{\"the\": 0}") == "vocab.txt: the index of \"the\" is not a positive integer");
        CHECK(error_of("{\"the\": \"1\"}") == "vocab.txt: the index of \"the\" is not a positive integer");
        CHECK(error_of("[\"the\", 2]") == "vocab.txt: entry 2 of the array is not a string");
        CHECK(error_of("[\"the\", \"cat\", \"the\"]") == "vocab.txt: \"the\" appears twice, as 1 and 3");
        CHECK(error_of("{\"the\": 1, \"the\": 2}") == "vocab.txt: \"the\" appears twice, as 1 and 2");
        CHECK(error_of("[\"the\", ").rfind("vocab.txt: not valid JSON: ", 0) == 0);
    }
}

TEST_CASE("a word list with a UTF-8 byte-order mark: the mark is not part of the first word") {
    CHECK(parse_vocabulary("\xEF\xBB\xBFthe\ncat\n", "v").words() == std::vector<std::string>{"the", "cat"});
}

TEST_CASE("Vocabulary tells apart words a slot alone could confuse: shared first 8 bytes, NUL bytes, lengths past 255") {
    using namespace std::string_literals;
    const std::vector<std::string> words = {
        "abcdefgh", "abcdefghi", "abcdefghj", "abcdefghij", "ab", "ab\0"s, "ab\0\0"s, "a", "", "\0"s,
        std::string(300, 'x'), std::string(301, 'x'), std::string(300, 'x') + "y", "abcdefg",
    };
    // Many words, so that the slots grow and every word is placed again.
    std::vector<std::string> all = words;
    for (int i = 0; i < 2000; ++i) all.push_back("w" + std::to_string(i));
    const Vocabulary v(all);
    for (std::size_t i = 0; i < all.size(); ++i) {
        CAPTURE(i);
        CHECK(v.index_of(all[i]) == i + 1);
    }
    for (const std::string& absent : {"abcdefgi"s, "abcdefghk"s, "ab\0\0\0"s, "abc"s, std::string(299, 'x'),
                                       std::string(300, 'x') + "z", "w2000"s, "\0\0"s})
        CHECK(v.index_of(absent) == 0);
}
