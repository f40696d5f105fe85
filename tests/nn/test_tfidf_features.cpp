// TF-IDF rows for the solver: counted features equal TfidfNgrams::count row by row whatever the
// threads, document frequencies, the renumbering by falling frequency, and TF-IDF values equal
// TfidfNgrams::values under the new numbers, features without a document dropped.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "newsclf/nn/tfidf_features.hpp"

using namespace newsclf;

namespace {

// n headlines over a vocabulary of 20 words, of varied lengths (some empty).
TokenCorpus corpus_of(std::size_t n) {
    TokenCorpus c;
    std::uint64_t state = 7;
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::uint32_t> ids(i % 9);
        for (auto& id : ids) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            id = static_cast<std::uint32_t>(1 + (state >> 33) % 20);
        }
        c.add(static_cast<int>(i % 4), std::to_string(i), "", ids);
    }
    return c;
}

}  // namespace

TEST_CASE("count_features: each row's TfidfNgrams::count, the same on any number of threads") {
    const TokenCorpus corpus = corpus_of(5000);  // several ranges of 1024 rows
    const TfidfNgrams ngrams(20, 3, 50);
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < corpus.size(); r += 2) rows.push_back(r);
    const SparseMatrix one = count_features(ngrams, corpus, rows, 1);
    REQUIRE(one.size() == rows.size());
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> counts;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        ngrams.count({corpus.tokens_of(rows[i]), corpus.length(rows[i])}, scratch, counts);
        REQUIRE(one.offsets[i + 1] - one.offsets[i] == counts.size());
        for (std::size_t k = 0; k < counts.size(); ++k) {
            CHECK(one.entries[one.offsets[i] + k].index == counts[k].index);
            CHECK(one.entries[one.offsets[i] + k].value == static_cast<float>(counts[k].count));
        }
    }
    for (std::size_t threads : {2u, 3u, 8u}) {
        const SparseMatrix many = count_features(ngrams, corpus, rows, threads);
        CHECK(many.offsets == one.offsets);
        REQUIRE(many.entries.size() == one.entries.size());
        bool same = true;
        for (std::size_t k = 0; k < one.entries.size(); ++k)
            same = same && many.entries[k].index == one.entries[k].index && many.entries[k].value == one.entries[k].value;
        CHECK(same);
    }
    CHECK(count_features(ngrams, corpus, {}, 2).size() == 0);
}

TEST_CASE("document frequencies, and the renumbering by falling frequency, ties by index") {
    SparseMatrix x;
    x.entries = {{1, 1}, {3, 2}, {3, 1}, {4, 1}, {1, 1}, {3, 1}};
    x.offsets = {0, 2, 4, 6};  // rows {1, 3}, {3, 4}, {1, 3}
    std::vector<std::uint32_t> df = document_frequencies(x, 6);
    CHECK(df == std::vector<std::uint32_t>{0, 2, 0, 3, 1, 0});
    const std::vector<std::uint32_t> order = renumber_by_frequency(df, 3);
    CHECK(order == std::vector<std::uint32_t>{3, 1, 4});  // df 3, 2, 1
    CHECK(df == std::vector<std::uint32_t>{no_feature, 1, no_feature, 0, 2, no_feature});
}

TEST_CASE("counts_to_tfidf: TfidfNgrams::values, renumbered, the features without a number dropped") {
    SparseMatrix x;
    x.entries = {{1, 1}, {2, 3}, {5, 1}, {2, 1}, {5, 2}};
    x.offsets = {0, 3, 3, 5};  // rows {1, 2x3, 5}, {}, {2, 5x2}
    const std::vector<float> idf = {0, 1.5f, 2.0f, 0, 0, 1.25f};
    // Feature 5 has no number: as a feature no training row has, it goes.
    const std::vector<std::uint32_t> number = {no_feature, 1, 0, no_feature, no_feature, no_feature};
    SparseMatrix y = x;
    counts_to_tfidf(y, idf.data(), number, 2);
    CHECK(y.offsets == std::vector<std::uint64_t>{0, 2, 2, 3});
    REQUIRE(y.entries.size() == 3);
    // Row 0's values are those of all three counted features (the norm includes feature 5).
    const FeatureCount row0[] = {{1, 1}, {2, 3}, {5, 1}};
    float v0[3];
    TfidfNgrams::values(row0, 3, idf.data(), v0);
    CHECK(y.entries[0].index == 1);
    CHECK(y.entries[0].value == v0[0]);
    CHECK(y.entries[1].index == 0);
    CHECK(y.entries[1].value == v0[1]);
    const FeatureCount row2[] = {{2, 1}, {5, 2}};
    float v2[2];
    TfidfNgrams::values(row2, 2, idf.data(), v2);
    CHECK(y.entries[2].index == 0);
    CHECK(y.entries[2].value == v2[0]);

    // Nothing to drop: the entries keep their places.
    SparseMatrix z = x;
    const std::vector<std::uint32_t> all = {no_feature, 4, 3, no_feature, no_feature, 0};
    counts_to_tfidf(z, idf.data(), all, 1);
    CHECK(z.offsets == x.offsets);
    CHECK(z.entries[2].index == 0);
    CHECK(z.entries[3].index == 3);
}
