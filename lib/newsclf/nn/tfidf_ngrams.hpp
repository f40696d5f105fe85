// A headline's word n-grams as sparse TF-IDF features, as scikit-learn's TfidfVectorizer(
// ngram_range=(1, ngrams), sublinear_tf=True) makes them, except that n-grams of two words and
// more share a fixed number of hash buckets instead of a learned vocabulary.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "newsclf/nn/token_batch.hpp"

namespace newsclf {

// FNV-1a, 64 bits, over token ids taken as 4 bytes little-endian each: the n-gram hash. Part of
// the model file's meaning: changing it changes every trained model's features.
inline constexpr std::uint64_t fnv1a_offset = 14695981039346656037ull;
inline constexpr std::uint64_t fnv1a_prime = 1099511628211ull;
inline std::uint64_t fnv1a_extend(std::uint64_t h, std::uint32_t id) {
    for (int b = 0; b < 4; ++b) {
        h ^= (id >> (8 * b)) & 0xFFu;
        h *= fnv1a_prime;
    }
    return h;
}
std::uint64_t ngram_hash(const std::uint32_t* ids, std::size_t n);

struct FeatureCount {
    std::uint32_t index;
    std::uint32_t count;
};

// One occurrence of a feature: the words tokens[start, start + length) make it.
struct FeatureSpan {
    std::uint32_t index;
    std::uint32_t start;
    std::uint32_t length;
};

// scikit-learn's sublinear tf of a feature counted `count` times: 1 + ln count.
inline float sublinear_tf(std::uint32_t count) { return count == 1 ? 1.0f : 1.0f + std::log(static_cast<float>(count)); }

// Feature indices: token id i (1..vocabulary) is feature i, feature 0 is never used, and an
// n-gram of 2..ngrams ids is feature vocabulary + 1 + ngram_hash(ids) % buckets.
class TfidfNgrams {
public:
    TfidfNgrams(std::size_t vocabulary, std::size_t ngrams, std::size_t buckets);
    std::size_t features() const { return vocabulary_ + 1 + buckets_; }
    std::size_t vocabulary() const { return vocabulary_; }
    std::size_t ngrams() const { return ngrams_; }
    std::size_t buckets() const { return buckets_; }

    // The headline's features, each once, by increasing index, with the number of times it occurs.
    // Id 0 and ids above the vocabulary are unknown words: no feature, and no n-gram spans them,
    // as scikit-learn forms n-grams before it drops those its vocabulary lacks. `scratch` and
    // `out` are reused buffers.
    void count(TokenSpan tokens, std::vector<std::uint32_t>& scratch, std::vector<FeatureCount>& out) const;
    // Every occurrence of the features count() counts, in the order of the words that start them
    // (to name a hashed n-gram by its words).
    void spans(TokenSpan tokens, std::vector<FeatureSpan>& out) const;

    // Sublinear TF-IDF values of n counted features, L2-normalised: (1 + ln count) * idf[index],
    // divided by the Euclidean norm of them all (no division when it is 0), into values[0..n)
    // (zeros where the idf is 0).
    static void values(const FeatureCount* counts, std::size_t n, const float* idf, float* values);

private:
    // f(index, start, length) for each occurrence of a feature, in the order of its first word.
    template <typename F>
    void for_each_occurrence(TokenSpan tokens, F&& f) const;
    std::size_t vocabulary_, ngrams_, buckets_;
};

// scikit-learn's smooth idf of a feature found in df of n documents: ln((1 + n) / (1 + df)) + 1;
// 0 for a feature no training document has (a learned vocabulary would not hold it).
float smooth_idf(std::size_t df, std::size_t n);

}  // namespace newsclf
