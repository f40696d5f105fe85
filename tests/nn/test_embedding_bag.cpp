// The bag of words and n-grams: the rows a headline selects (words, hashed n-grams with a boundary
// at either end) against the documented hash, the bucket arithmetic, the mean of the rows, and the
// sparse update that touches only them.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/nn/embedding_bag.hpp"
#include "test_support.hpp"

using namespace newsclf;
using newsclf::test::expected_bucket;

TEST_CASE("a headline selects its words, then its n-grams with a boundary 0 at either end") {
    EmbeddingBag bag(14, 6, 11, 3, 3);
    EmbeddingBag::Selection s;
    const std::vector<std::uint32_t> tokens = {4, 9, 9, 15};  // 15 is beyond the vocabulary
    bag.select({tokens.data(), tokens.size()}, s);
    CHECK(s.words == std::vector<std::uint32_t>{4, 9, 9});
    // n-grams over 0 4 9 9 15 0, by start position, 2 words then 3.
    const std::vector<std::uint64_t> padded = {0, 4, 9, 9, 15, 0};
    std::vector<std::uint32_t> expected;
    for (std::size_t i = 0; i + 1 < padded.size(); ++i)
        for (std::size_t n = 2; n <= 3 && i + n <= padded.size(); ++n)
            expected.push_back(expected_bucket({padded.begin() + i, padded.begin() + i + n}, 11));
    CHECK(s.ngrams == expected);
    CHECK(s.ngrams.size() == 5 + 4);
    CHECK(s.count() == 12);

    // One word: its two boundary bigrams and the trigram 0 w 0; nothing: nothing.
    const std::vector<std::uint32_t> one = {7};
    bag.select({one.data(), one.size()}, s);
    CHECK(s.words == std::vector<std::uint32_t>{7});
    CHECK(s.ngrams == std::vector<std::uint32_t>{expected_bucket({0, 7}, 11), expected_bucket({0, 7, 0}, 11),
                                                 expected_bucket({7, 0}, 11)});
    bag.select({nullptr, 0}, s);
    CHECK(s.count() == 0);

    // ngrams 1 (or no buckets): words only, and no n-gram table.
    EmbeddingBag words_only(14, 6, 11, 3, 1);
    words_only.select({tokens.data(), tokens.size()}, s);
    CHECK(s.ngrams.empty());
    CHECK(words_only.width() == 6);
    CHECK(words_only.parameter_count() == 15 * 6);
    CHECK(EmbeddingBag(14, 6, 0, 3, 2).width() == 6);
    CHECK_THROWS_AS(EmbeddingBag(14, 0, 11, 3, 2), UsageError);
}

TEST_CASE("the bucket of a large hash is its remainder, for every kind of divisor") {
    PythonRandom rng(5);
    for (std::uint64_t buckets : {1ull, 2ull, 3ull, 7ull, 1000ull, 1048576ull, 1048573ull, 4294967295ull}) {
        EmbeddingBag bag(3, 2, buckets, 1, 2);
        for (int k = 0; k < 2000; ++k) {
            const std::uint32_t a = rng.next_u32(), b = rng.next_u32();
            const std::vector<std::uint32_t> tokens = {a, b};
            EmbeddingBag::Selection s;
            bag.select({tokens.data(), tokens.size()}, s);
            REQUIRE(s.ngrams.size() == 3);
            CHECK(s.ngrams[1] == expected_bucket({a, b}, buckets));
        }
    }
}

TEST_CASE("mean: the word rows' sum and the n-gram rows' sum, each divided by the count of both") {
    EmbeddingBag bag(5, 2, 3, 1, 2);  // words 1..5 of width 2, 3 buckets of width 1
    REQUIRE(bag.parameter_count() == 6 * 2 + 3);
    std::vector<float> params(bag.parameter_count());
    for (std::size_t i = 0; i < params.size(); ++i) params[i] = static_cast<float>(i);
    EmbeddingBag::Selection s;
    s.words = {1, 4, 4};     // rows [2, 3], [8, 9] twice
    s.ngrams = {0, 2};       // n-gram rows 12 and 14
    std::vector<float> out(bag.width(), -1.0f);
    bag.mean(params.data(), s, out.data());
    CHECK(out[0] == doctest::Approx((2.0 + 8 + 8) / 5));
    CHECK(out[1] == doctest::Approx((3.0 + 9 + 9) / 5));
    CHECK(out[2] == doctest::Approx((12.0 + 14) / 5));
    bag.mean(params.data(), EmbeddingBag::Selection{}, out.data());
    CHECK(out == std::vector<float>{0, 0, 0});
}

TEST_CASE("add_to_rows: each selected row += scale * its part of delta, once per selection, nothing else") {
    EmbeddingBag bag(5, 2, 3, 1, 2);
    std::vector<float> params(bag.parameter_count(), 1.0f);
    EmbeddingBag::Selection s;
    s.words = {2, 2, 5};
    s.ngrams = {1};
    const std::vector<float> delta = {1.0f, -2.0f, 4.0f};
    bag.add_to_rows(params.data(), s, delta.data(), 0.5f);
    std::vector<float> expected(bag.parameter_count(), 1.0f);
    expected[2 * 2] += 2 * 0.5f;      // word 2, selected twice
    expected[2 * 2 + 1] += 2 * -1.0f;
    expected[5 * 2] += 0.5f;
    expected[5 * 2 + 1] += -1.0f;
    expected[bag.ngram_offset() + 1] += 2.0f;
    CHECK(params == expected);
    bag.prefetch(params.data(), s);  // only a hint: the values stay
    CHECK(params == expected);
}
