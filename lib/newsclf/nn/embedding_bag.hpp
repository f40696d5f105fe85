// The input of a bag of words and word n-grams (fastText's): the rows of a word table and of a
// hashed n-gram table that a headline selects, their mean, and the sparse update of those rows.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "newsclf/nn/token_batch.hpp"

namespace newsclf {

// fastText's n-gram hash over token ids: h = t_1, then h = h * 116049371 + t_k (mod 2^64); the
// bucket is (h xor h >> 32) mod 2^32, mod buckets.
constexpr std::uint64_t ngram_multiplier = 116049371u;

class EmbeddingBag {
public:
    // The parameters, one buffer: the word table (words + 1 rows of dim: row 0 padding, never
    // selected, then the words by token id), then the n-gram table (buckets rows of ngram_dim),
    // shared by the n-grams of 2..ngrams words. ngrams 1 or buckets 0: words only.
    EmbeddingBag(std::size_t words, std::size_t dim, std::size_t buckets, std::size_t ngram_dim, std::size_t ngrams);
    std::size_t words() const { return words_; }
    std::size_t dim() const { return dim_; }
    std::size_t buckets() const { return buckets_; }
    std::size_t ngram_dim() const { return ngram_dim_; }
    std::size_t ngrams() const { return ngrams_; }
    std::size_t ngram_offset() const { return (words_ + 1) * dim_; }
    std::size_t parameter_count() const { return ngram_offset() + buckets_ * ngram_dim_; }
    // Width of the mean: the word part, then the n-gram part.
    std::size_t width() const { return dim_ + ngram_dim_; }

    // The rows one headline selects: each token id in 1..words; then the n-grams of 2..ngrams
    // words of the ids with a 0 before the first and after the last (so that the first and last
    // words also count as such), each its bucket. A row selected twice counts twice.
    struct Selection {
        std::vector<std::uint32_t> words, ngrams;
        std::size_t count() const { return words.size() + ngrams.size(); }
    };
    void select(TokenSpan tokens, Selection& s) const;
    // Where each of select()'s n-gram rows comes from, in the same order: the first and last
    // position in the ids with the 0 around them (position 0 is the 0 before the first word,
    // tokens.size + 1 the 0 after the last).
    struct NgramSpan {
        std::size_t first, last;
    };
    void ngram_spans(TokenSpan tokens, std::vector<NgramSpan>& out) const;
    // out (width) = [sum of the word rows, sum of the n-gram rows] / count; zeros when nothing is selected.
    void mean(const float* params, const Selection& s, float* out) const;
    // Each selected row += scale * its part of delta (width): the step of the mean with scale = -lr / count.
    void add_to_rows(float* params, const Selection& s, const float* delta, float scale) const;
    // Asks the CPU to fetch the selected rows into its caches (for writing).
    void prefetch(const float* params, const Selection& s) const;

private:
    // f(first, last, hash) for each n-gram of select(), in its order.
    template <typename F>
    void for_each_ngram(TokenSpan tokens, F&& f) const;
    std::uint32_t bucket_of(std::uint64_t h) const;
    std::size_t words_, dim_, buckets_, ngram_dim_, ngrams_;
    std::uint64_t bucket_inverse_;  // for the remainder by multiplications (Lemire's fastmod)
};

}  // namespace newsclf
