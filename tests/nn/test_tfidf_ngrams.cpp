// TF-IDF n-gram features: the counted features of a headline against hand-computed values and a
// fixed hash, the sublinear, L2-normalised values, and scikit-learn's smooth idf.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/nn/tfidf_ngrams.hpp"

using namespace newsclf;

namespace {

std::vector<FeatureCount> counted(const TfidfNgrams& ngrams, const std::vector<std::uint32_t>& tokens) {
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> out;
    ngrams.count({tokens.data(), tokens.size()}, scratch, out);
    return out;
}

bool same(const std::vector<FeatureCount>& a, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].index != b[i].first || a[i].count != b[i].second) return false;
    return true;
}

}  // namespace

TEST_CASE("n-gram features: token ids, then hashed n-grams counted per headline") {
    const TfidfNgrams ngrams(5, 2, 7);  // features 1..5 are words, 6..12 buckets
    CHECK(ngrams.features() == 13);
    // FNV-1a 64 of the ids' little-endian bytes: fixed values, so that models keep their meaning.
    const std::uint32_t one_two[] = {1, 2}, one_two_three[] = {1, 2, 3};
    CHECK(ngram_hash(one_two, 0) == 14695981039346656037ull);
    CHECK(ngram_hash(one_two, 2) == 14538333428393601222ull);
    CHECK(ngram_hash(one_two_three, 3) == 18239313798490686357ull);
    // 3 1 3 2: words 1, 2 and 3 (twice); bigrams 3 1 -> 6 + h % 7 = 12, 1 3 -> 7, 3 2 -> 12 (a collision).
    CHECK(same(counted(ngrams, {3, 1, 3, 2}), {{1, 1}, {2, 1}, {3, 2}, {7, 1}, {12, 2}}));
    // Unknown words (0, above the vocabulary) are no feature and no n-gram spans them.
    CHECK(same(counted(ngrams, {3, 0, 1, 9, 3, 2}), {{1, 1}, {2, 1}, {3, 2}, {12, 1}}));
    CHECK(counted(ngrams, {}).empty());
    CHECK(counted(ngrams, {0, 6}).empty());
    // Trigrams extend the bigram's hash.
    const TfidfNgrams three(5, 3, 1000);
    const auto with_trigram = counted(three, {1, 2, 3});
    REQUIRE(with_trigram.size() == 6);
    std::vector<std::uint32_t> expected = {1, 2, 3};
    for (const std::uint32_t* ids : {one_two_three, one_two_three + 1})
        expected.push_back(static_cast<std::uint32_t>(6 + ngram_hash(ids, 2) % 1000));
    expected.push_back(static_cast<std::uint32_t>(6 + ngram_hash(one_two_three, 3) % 1000));
    std::sort(expected.begin(), expected.end());
    for (std::size_t i = 0; i < 6; ++i) CHECK(with_trigram[i].index == expected[i]);
    // ngrams 1: words only.
    CHECK(same(counted(TfidfNgrams(5, 1, 7), {3, 1, 3}), {{1, 1}, {3, 2}}));
    CHECK_THROWS_AS(TfidfNgrams(5, 0, 7), UsageError);
}

TEST_CASE("TF-IDF values: (1 + ln tf) idf, L2-normalised; smooth idf as scikit-learn's") {
    CHECK(smooth_idf(1, 4) == doctest::Approx(std::log(5.0 / 2.0) + 1));
    CHECK(smooth_idf(4, 4) == doctest::Approx(1.0));
    CHECK(smooth_idf(0, 4) == 0.0f);
    std::vector<float> idf(13, 1.0f);
    idf[2] = 2.0f;
    idf[3] = 1.5f;
    idf[7] = 3.0f;
    idf[12] = 0.5f;
    const std::vector<FeatureCount> counts = {{1, 1}, {2, 1}, {3, 2}, {7, 1}, {12, 2}};
    std::vector<double> raw = {1.0, 2.0, (1 + std::log(2.0)) * 1.5, 3.0, (1 + std::log(2.0)) * 0.5};
    double norm = 0;
    for (double v : raw) norm += v * v;
    std::vector<float> values(counts.size());
    TfidfNgrams::values(counts.data(), counts.size(), idf.data(), values.data());
    for (std::size_t i = 0; i < raw.size(); ++i) CHECK(values[i] == doctest::Approx(raw[i] / std::sqrt(norm)).epsilon(1e-6));
    // A feature of idf 0 (unseen in training) counts for nothing, not even in the norm.
    idf[7] = 0.0f;
    TfidfNgrams::values(counts.data(), counts.size(), idf.data(), values.data());
    CHECK(values[3] == 0.0f);
    CHECK(values[0] == doctest::Approx(1.0 / std::sqrt(norm - 9.0)).epsilon(1e-6));
    // Nothing known: all zeros, no division by zero.
    std::fill(idf.begin(), idf.end(), 0.0f);
    TfidfNgrams::values(counts.data(), counts.size(), idf.data(), values.data());
    for (float v : values) CHECK(v == 0.0f);
}

TEST_CASE("ngram_hash: FNV-1a 64 over each id's 4 bytes, low byte first, as Python computes it") {
    // h = 14695981039346656037; for b in struct.pack('<I', id): h = ((h ^ b) * 1099511628211) % 2**64
    const std::uint32_t ids[] = {4000000000u, 2, 9}, pair[] = {3, 7}, single[] = {1};
    CHECK(ngram_hash(ids, 3) == 7227536126552737543ull);
    CHECK(ngram_hash(pair, 2) == 12095933101066999057ull);
    CHECK(ngram_hash(single, 1) == 12478008331234465636ull);
    CHECK(fnv1a_extend(fnv1a_extend(fnv1a_offset, 3), 7) == ngram_hash(pair, 2));
    // A bucket count larger than the vocabulary's ids: every feature stays below features().
    const TfidfNgrams ngrams(3, 3, 5);
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> out;
    const std::vector<std::uint32_t> tokens = {1, 2, 3, 1, 2, 3, 3};
    ngrams.count({tokens.data(), tokens.size()}, scratch, out);
    std::uint32_t total = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        CHECK(out[i].index < ngrams.features());
        CHECK(out[i].index >= 1);
        if (i > 0) CHECK(out[i].index > out[i - 1].index);  // each once, ascending
        total += out[i].count;
    }
    CHECK(total == 7 + 6 + 5);  // words, bigrams, trigrams
}
