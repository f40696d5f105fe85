#include "newsclf/nn/embedding_bag.hpp"

#include <algorithm>

#include "newsclf/base/error.hpp"

namespace newsclf {

EmbeddingBag::EmbeddingBag(std::size_t words, std::size_t dim, std::size_t buckets, std::size_t ngram_dim,
                           std::size_t ngrams)
    : words_(words),
      dim_(dim),
      buckets_(ngrams > 1 ? buckets : 0),
      ngram_dim_(ngrams > 1 && buckets > 0 ? ngram_dim : 0),
      ngrams_(buckets > 0 ? ngrams : 1) {
    if (dim < 1 || ngrams < 1 || (buckets_ > 0 && ngram_dim < 1))
        throw UsageError("the bag of words needs dim >= 1, ngram_dim >= 1 and ngrams >= 1");
    if (buckets_ > 0xFFFFFFFFu || words > 0xFFFFFFFEu) throw UsageError("the bag of words has more than 2^32 rows");
    bucket_inverse_ = buckets_ > 0 ? ~std::uint64_t{0} / buckets_ + 1 : 0;
}

// A 64-bit division costs tens of cycles, and a headline has dozens of n-grams: the remainder of
// a 32-bit value comes from two multiplications instead (exact for every divisor below 2^32; Lemire, Kaser, Kurz 2019).
std::uint32_t EmbeddingBag::bucket_of(std::uint64_t h) const {
    const std::uint32_t folded = static_cast<std::uint32_t>(h ^ (h >> 32));
    const std::uint64_t low = bucket_inverse_ * folded;
    return static_cast<std::uint32_t>((static_cast<unsigned __int128>(low) * buckets_) >> 64);
}

template <typename F>
void EmbeddingBag::for_each_ngram(TokenSpan tokens, F&& f) const {
    const std::uint32_t* t = tokens.data;
    const std::size_t n = tokens.size;
    if (n == 0 || ngrams_ < 2) return;
    auto at = [&](std::size_t i) -> std::uint64_t { return i == 0 || i == n + 1 ? 0 : t[i - 1]; };
    for (std::size_t i = 0; i + 1 < n + 2; ++i) {
        std::uint64_t h = at(i);
        const std::size_t last = std::min(n + 2, i + ngrams_);
        for (std::size_t j = i + 1; j < last; ++j) {
            h = h * ngram_multiplier + at(j);
            f(i, j, h);
        }
    }
}

void EmbeddingBag::select(TokenSpan tokens, Selection& s) const {
    s.words.clear();
    s.ngrams.clear();
    for (std::size_t i = 0; i < tokens.size; ++i)
        if (tokens.data[i] >= 1 && tokens.data[i] <= words_) s.words.push_back(tokens.data[i]);
    for_each_ngram(tokens, [&](std::size_t, std::size_t, std::uint64_t h) { s.ngrams.push_back(bucket_of(h)); });
}

void EmbeddingBag::ngram_spans(TokenSpan tokens, std::vector<NgramSpan>& out) const {
    out.clear();
    for_each_ngram(tokens, [&](std::size_t first, std::size_t last, std::uint64_t) { out.push_back({first, last}); });
}

void EmbeddingBag::mean(const float* params, const Selection& s, float* out) const {
    std::fill(out, out + width(), 0.0f);
    const std::size_t count = s.count();
    if (count == 0) return;
    for (std::uint32_t r : s.words) {
        const float* row = params + static_cast<std::size_t>(r) * dim_;
        for (std::size_t d = 0; d < dim_; ++d) out[d] += row[d];
    }
    const float* table = params + ngram_offset();
    float* part = out + dim_;
    for (std::uint32_t r : s.ngrams) {
        const float* row = table + static_cast<std::size_t>(r) * ngram_dim_;
        for (std::size_t d = 0; d < ngram_dim_; ++d) part[d] += row[d];
    }
    const float scale = 1.0f / static_cast<float>(count);
    for (std::size_t d = 0; d < width(); ++d) out[d] *= scale;
}

void EmbeddingBag::add_to_rows(float* params, const Selection& s, const float* delta, float scale) const {
    for (std::uint32_t r : s.words) {
        float* row = params + static_cast<std::size_t>(r) * dim_;
        for (std::size_t d = 0; d < dim_; ++d) row[d] += scale * delta[d];
    }
    float* table = params + ngram_offset();
    const float* part = delta + dim_;
    for (std::uint32_t r : s.ngrams) {
        float* row = table + static_cast<std::size_t>(r) * ngram_dim_;
        for (std::size_t d = 0; d < ngram_dim_; ++d) row[d] += scale * part[d];
    }
}

void EmbeddingBag::prefetch(const float* params, const Selection& s) const {
    constexpr std::size_t line = 64 / sizeof(float);
    for (std::uint32_t r : s.words) {
        const float* row = params + static_cast<std::size_t>(r) * dim_;
        for (std::size_t d = 0; d < dim_; d += line) __builtin_prefetch(row + d, 1);
        __builtin_prefetch(row + dim_ - 1, 1);
    }
    const float* table = params + ngram_offset();
    for (std::uint32_t r : s.ngrams) {
        const float* row = table + static_cast<std::size_t>(r) * ngram_dim_;
        for (std::size_t d = 0; d < ngram_dim_; d += line) __builtin_prefetch(row + d, 1);
        __builtin_prefetch(row + ngram_dim_ - 1, 1);
    }
}

}  // namespace newsclf
