#include "newsclf/nn/tfidf_ngrams.hpp"

#include <algorithm>
#include <cmath>

#include "newsclf/base/error.hpp"

namespace newsclf {

std::uint64_t ngram_hash(const std::uint32_t* ids, std::size_t n) {
    std::uint64_t h = fnv1a_offset;
    for (std::size_t i = 0; i < n; ++i) h = fnv1a_extend(h, ids[i]);
    return h;
}

TfidfNgrams::TfidfNgrams(std::size_t vocabulary, std::size_t ngrams, std::size_t buckets)
    : vocabulary_(vocabulary), ngrams_(ngrams), buckets_(buckets) {
    if (ngrams < 1) throw UsageError("ngrams must be at least 1");
    if (ngrams > 1 && buckets < 1) throw UsageError("n-grams of 2 words and more need at least one bucket");
    if (vocabulary + 1 + buckets > 0xFFFFFFFFull) throw UsageError("vocabulary + 1 + buckets must stay below 2^32");
}

template <typename F>
void TfidfNgrams::for_each_occurrence(TokenSpan tokens, F&& f) const {
    const std::uint32_t first_bucket = static_cast<std::uint32_t>(vocabulary_ + 1);
    auto known = [&](std::uint32_t id) { return id != 0 && id <= vocabulary_; };
    for (std::size_t i = 0; i < tokens.size; ++i) {
        const std::uint32_t id = tokens.data[i];
        if (!known(id)) continue;
        f(id, i, std::size_t{1});
        // The n-grams that start here, each extending the hash of the one before, up to an unknown word.
        std::uint64_t h = fnv1a_extend(fnv1a_offset, id);
        for (std::size_t n = 2; n <= ngrams_ && i + n <= tokens.size && known(tokens.data[i + n - 1]); ++n) {
            h = fnv1a_extend(h, tokens.data[i + n - 1]);
            f(first_bucket + static_cast<std::uint32_t>(h % buckets_), i, n);
        }
    }
}

void TfidfNgrams::spans(TokenSpan tokens, std::vector<FeatureSpan>& out) const {
    out.clear();
    for_each_occurrence(tokens, [&](std::uint32_t index, std::size_t start, std::size_t length) {
        out.push_back({index, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(length)});
    });
}

void TfidfNgrams::count(TokenSpan tokens, std::vector<std::uint32_t>& scratch, std::vector<FeatureCount>& out) const {
    scratch.clear();
    out.clear();
    for_each_occurrence(tokens, [&](std::uint32_t index, std::size_t, std::size_t) { scratch.push_back(index); });
    std::sort(scratch.begin(), scratch.end());
    for (std::size_t i = 0; i < scratch.size();) {
        std::size_t j = i + 1;
        while (j < scratch.size() && scratch[j] == scratch[i]) ++j;
        out.push_back({scratch[i], static_cast<std::uint32_t>(j - i)});
        i = j;
    }
}

void TfidfNgrams::values(const FeatureCount* counts, std::size_t n, const float* idf, float* values) {
    double norm = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const float tf = sublinear_tf(counts[k].count);
        values[k] = tf * idf[counts[k].index];
        norm += static_cast<double>(values[k]) * values[k];
    }
    if (norm == 0) return;
    const float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (std::size_t k = 0; k < n; ++k) values[k] *= scale;
}

float smooth_idf(std::size_t df, std::size_t n) {
    if (df == 0) return 0.0f;
    return static_cast<float>(std::log((1.0 + static_cast<double>(n)) / (1.0 + static_cast<double>(df))) + 1.0);
}

}  // namespace newsclf
