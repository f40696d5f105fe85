// Unit tests of embeddings.hpp: the embedding matrix of a vocabulary from GloVe text and from
// .vec text with its "N D" header, and the DataErrors of vector files that do not fit.
#include "newsclf/formats/embeddings.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/formats/npy.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

const Vocabulary& vocabulary() {
    static const Vocabulary v({"the", "cat", "sat", "zzz"});  // indices 1..4; zzz has no vector
    return v;
}

const char* const glove =
    "the 0.1 0.2 0.3\n"
    "cat 1 2 3\n"
    "dog 4 5 6\n"
    "sat -1 -2.5e-1 3E2\n";

void check_small_matrix(const EmbeddingMatrix& e, std::size_t rows) {
    REQUIRE(e.weights.shape(0) == rows);
    REQUIRE(e.weights.shape(1) == 3);
    for (std::size_t c = 0; c < 3; ++c) {
        CHECK(e.weights(0, c) == 0.0f);  // padding
        CHECK(e.weights(4, c) == 0.0f);  // zzz: no vector
        for (std::size_t r = 5; r < rows; ++r) CHECK(e.weights(r, c) == 0.0f);
    }
    CHECK(e.weights(1, 0) == 0.1f);
    CHECK(e.weights(1, 2) == 0.3f);
    CHECK(e.weights(2, 1) == 2.0f);
    CHECK(e.weights(3, 0) == -1.0f);
    CHECK(e.weights(3, 1) == -0.25f);
    CHECK(e.weights(3, 2) == 300.0f);
    CHECK(e.found == 3);
    CHECK(e.vectors == 4);
}

}  // namespace

TEST_CASE("GloVe text: rows of vocabulary words, zero rows elsewhere, coverage") {
    check_small_matrix(build_embedding_matrix(glove, "g.txt", vocabulary(), 5, 3), 5);
    // More rows than the vocabulary needs (max_words larger than the words seen) stay zero.
    check_small_matrix(build_embedding_matrix(glove, "g.txt", vocabulary(), 9, 3), 9);

    SUBCASE("no trailing newline, blank lines, CRLF and runs of blanks") {
        EmbeddingMatrix e = build_embedding_matrix("the 0.1 0.2 0.3\r\n\ncat  1\t2 3\r\nsat -1 -2.5e-1 3E2", "g.txt",
                                                   vocabulary(), 5, 3);
        CHECK(e.weights(1, 2) == 0.3f);
        CHECK(e.weights(2, 1) == 2.0f);
        CHECK(e.weights(3, 2) == 300.0f);
        CHECK(e.found == 3);
        CHECK(e.vectors == 3);
    }
    SUBCASE("a word listed twice counts once") {
        EmbeddingMatrix e = build_embedding_matrix("cat 1 2 3\ncat 7 8 9\n", "g.txt", vocabulary(), 5, 3);
        CHECK(e.found == 1);
        CHECK(e.vectors == 2);
    }
    SUBCASE("no vocabulary word has a vector") {
        EmbeddingMatrix e = build_embedding_matrix("dog 1 2 3\n", "g.txt", vocabulary(), 5, 3);
        CHECK(e.found == 0);
        CHECK(e.vectors == 1);
        for (float v : e.weights) CHECK(v == 0.0f);
    }
}

TEST_CASE(".vec text with its \"N D\" header line") {
    std::string vec = std::string("4 3\n") + glove;
    check_small_matrix(build_embedding_matrix(vec, "v.vec", vocabulary(), 5, 3), 5);

    std::string m = message_of<DataError>([&] { build_embedding_matrix("4 50\n" + std::string(glove), "v.vec", vocabulary(), 5, 3); });
    CHECK(m.rfind("v.vec:1: ", 0) == 0);
    CHECK(contains(m, "50 dimensions"));
    CHECK(contains(m, "needs 3"));
}

TEST_CASE("vectors of another dimension are a DataError naming the line") {
    SUBCASE("the first line") {
        std::string m = message_of<DataError>([&] { build_embedding_matrix("the 0.1 0.2 0.3 0.4\n", "g.txt", vocabulary(), 5, 3); });
        CHECK(m.rfind("g.txt:1: ", 0) == 0);
        CHECK(contains(m, "4 dimensions"));
        CHECK(contains(m, "needs 3 (--dim)"));
        CHECK(contains(message_of<DataError>([&] { build_embedding_matrix("the 0.1 0.2\n", "g.txt", vocabulary(), 5, 3); }),
                       "2 dimensions"));
        // The first line is checked even when its word is not in the vocabulary.
        CHECK(message_of<DataError>([&] { build_embedding_matrix("dog 1 2\ncat 1 2 3\n", "g.txt", vocabulary(), 5, 3); })
                  .rfind("g.txt:1: ", 0) == 0);
    }
    SUBCASE("a later vocabulary line with too few or too many values") {
        std::string m = message_of<DataError>([&] { build_embedding_matrix("the 0.1 0.2 0.3\ndog 1 2 3\nsat 1 2\n", "g.txt", vocabulary(), 5, 3); });
        CHECK(m.rfind("g.txt:3: ", 0) == 0);
        CHECK(contains(m, "has 2 values, expected 3"));
        m = message_of<DataError>([&] { build_embedding_matrix("the 0.1 0.2 0.3\ncat 1 2 3 4\n", "g.txt", vocabulary(), 5, 3); });
        CHECK(m.rfind("g.txt:2: ", 0) == 0);
        CHECK(contains(m, "has 4 values, expected 3"));
    }
}

TEST_CASE("a value that is not a number is a DataError naming the line and the field") {
    std::string m = message_of<DataError>([&] { build_embedding_matrix("the 0.1 0.2 0.3\ncat 1 x2 3\n", "g.txt", vocabulary(), 5, 3); });
    CHECK(m.rfind("g.txt:2: ", 0) == 0);
    CHECK(contains(m, "field 3"));
    CHECK(contains(m, "(\"x2\")"));
    CHECK(contains(m, "is not a number"));
    CHECK(contains(message_of<DataError>([&] { build_embedding_matrix("sat 1 2 3.5.1\n", "g.txt", vocabulary(), 5, 3); }),
                   "field 4 (\"3.5.1\")"));
    CHECK(contains(message_of<DataError>([&] { build_embedding_matrix("sat 1,5 2 3\n", "g.txt", vocabulary(), 5, 3); }), "field 2"));
}

TEST_CASE("an empty vector file and too few rows") {
    std::string m = message_of<DataError>([&] { build_embedding_matrix("", "empty.txt", vocabulary(), 5, 3); });
    CHECK(m.rfind("empty.txt: ", 0) == 0);
    CHECK(contains(m, "empty"));
    CHECK_THROWS_AS(build_embedding_matrix(glove, "g.txt", vocabulary(), 4, 3), UsageError);
}

TEST_CASE("the sample GloVe file gives the committed fixture tiny.npy for the vocabulary of tiny.tokens") {
    TokenStream ts = parse_token_stream(read_fixture("tiny.tokens"), "tiny.tokens");
    REQUIRE(ts.info.vocabulary.size() == 49);
    EmbeddingMatrix e = build_embedding_matrix(read_bytes(source_path("testdata/glove.sample.100d.txt.xz")),
                                               "glove.sample.100d.txt.xz", ts.info.vocabulary, ts.info.max_words, 100);
    CHECK(e.found == 45);
    CHECK(e.vectors == 8715);
    Matrix expected = parse_npy(read_fixture("tiny.npy"), "tiny.npy");
    REQUIRE(e.weights.shape(0) == expected.shape(0));
    REQUIRE(e.weights.shape(1) == expected.shape(1));
    CHECK(e.weights == expected);
    CHECK(npy_bytes(e.weights) == read_fixture("tiny.npy"));
}

TEST_CASE("GloVe text with a UTF-8 byte-order mark: the first word is still found") {
    check_small_matrix(build_embedding_matrix("\xEF\xBB\xBF" + std::string(glove), "g.txt", vocabulary(), 5, 3), 5);
}

TEST_CASE("a nan or inf in a word vector is refused, naming the line and field") {
    for (const char* bad : {"nan", "inf", "-inf", "NaN"}) {
        const std::string text = "the 0.1 0.2 0.3\ncat 0.1 " + std::string(bad) + " 0.3\n";
        const std::string m = message_of<DataError>([&] { build_embedding_matrix(text, "g.txt", vocabulary(), 5, 3); });
        CHECK(contains(m, "g.txt:2"));
        CHECK(contains(m, "field 3"));
        CHECK(contains(m, "not a finite number"));
    }
}

TEST_CASE("vector_file_dimension: a .vec header's, or the values of the first line") {
    CHECK(vector_file_dimension(glove, "g.txt") == 3);
    CHECK(vector_file_dimension("2 5\nthe 1 2 3 4 5\n", "g.vec") == 5);
    CHECK(vector_file_dimension("\xEF\xBB\xBFthe 1 2\n", "g.txt") == 2);
    CHECK_THROWS_AS(vector_file_dimension("", "g.txt"), DataError);
    CHECK_THROWS_AS(vector_file_dimension("the\n", "g.txt"), DataError);
    CHECK_THROWS_AS(vector_file_dimension("2 0\n", "g.vec"), DataError);
}

TEST_CASE("pieces of a file read on 2 or 3 threads give the one-thread matrix, duplicates and errors alike") {
    // About 5 MB of vectors (one piece on one thread, six of about 1 MB on more): words of the
    // vocabulary and others, most given many times far apart (the last vector counts), empty lines.
    std::vector<std::string> words;
    for (int i = 0; i < 300; ++i) words.push_back("w" + std::to_string(i));
    const Vocabulary v(words);
    std::mt19937 rng(7);
    std::string text;
    for (int line = 0; line < 80000; ++line) {
        if (line > 0 && rng() % 50 == 0) {
            text += "\n";
            continue;
        }
        text += "w" + std::to_string(rng() % 600);  // half of them outside the vocabulary
        for (int d = 0; d < 8; ++d) text += " " + std::to_string(static_cast<int>(rng() % 20000) - 10000) + "e-4";
        text += "\n";
    }
    const EmbeddingMatrix one = build_embedding_matrix(text, "r.txt", v, 301, 8, 1);
    CHECK(one.found == 300);
    for (std::size_t threads : {2, 3}) {
        const EmbeddingMatrix many = build_embedding_matrix(text, "r.txt", v, 301, 8, threads);
        CHECK(many.weights == one.weights);
        CHECK(many.found == one.found);
        CHECK(many.vectors == one.vectors);
    }
    // Two bad lines of vocabulary words, in different pieces: the first one is named.
    std::string bad = text;
    const std::size_t late = bad.find("\nw1 ", bad.size() * 3 / 4), early = bad.find("\nw2 ", bad.size() / 3);
    REQUIRE(late != std::string::npos);
    REQUIRE(early != std::string::npos);
    bad.replace(late + 4, 1, "x");
    bad.replace(early + 4, 1, "y");
    const std::size_t early_line = static_cast<std::size_t>(std::count(bad.begin(), bad.begin() + early + 1, '\n')) + 1;
    const std::string want = message_of<DataError>([&] { build_embedding_matrix(bad, "r.txt", v, 301, 8, 1); });
    CHECK(contains(want, "r.txt:" + std::to_string(early_line) + ":"));
    for (std::size_t threads : {2, 3})
        CHECK(message_of<DataError>([&] { build_embedding_matrix(bad, "r.txt", v, 301, 8, threads); }) == want);
}
