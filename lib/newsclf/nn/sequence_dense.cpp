#include "newsclf/nn/sequence_dense.hpp"

#include "newsclf/base/error.hpp"
#include "newsclf/base/prefetch.hpp"
#include "newsclf/base/vector_clones.hpp"

namespace newsclf {

namespace {

// y += e . k for one embedding row e (dim) and kernel block k (dim x units). Fixed widths let
// the compiler keep the sums in registers and vectorise over dim.
// Eight partial sums per unit break the chain of dependent additions.
template <std::size_t U>
inline __attribute__((always_inline)) void add_row_product_fixed(const float* __restrict e, const float* __restrict k, std::size_t dim, float* __restrict y) {
    constexpr std::size_t lanes = 8;
    float acc[lanes * U] = {};
    std::size_t d = 0;
    for (; d + lanes <= dim; d += lanes)
        for (std::size_t j = 0; j < lanes; ++j)
            for (std::size_t u = 0; u < U; ++u) acc[j * U + u] += e[d + j] * k[(d + j) * U + u];
    for (; d < dim; ++d)
        for (std::size_t u = 0; u < U; ++u) acc[u] += e[d] * k[d * U + u];
    for (std::size_t u = 0; u < U; ++u) {
        float sum = 0.0f;
        for (std::size_t j = 0; j < lanes; ++j) sum += acc[j * U + u];
        y[u] += sum;
    }
}

NEWSCLF_VECTOR_CLONES
void add_row_product(const float* __restrict e, const float* __restrict k, std::size_t dim, std::size_t units,
                     float* __restrict y) {
    switch (units) {
    case 1: return add_row_product_fixed<1>(e, k, dim, y);
    case 2: return add_row_product_fixed<2>(e, k, dim, y);
    case 4: return add_row_product_fixed<4>(e, k, dim, y);
    case 8: return add_row_product_fixed<8>(e, k, dim, y);
    default:
        for (std::size_t d = 0; d < dim; ++d) {
            const float ed = e[d];
            const float* __restrict kd = k + d * units;
            for (std::size_t u = 0; u < units; ++u) y[u] += ed * kd[u];
        }
    }
}

// dk += outer(e, dy) for one embedding row e (dim) and output gradient dy (units).
template <std::size_t U>
inline __attribute__((always_inline)) void add_outer_fixed(const float* __restrict e, const float* __restrict dy, std::size_t dim, float* __restrict dk) {
    float g[U];
    for (std::size_t u = 0; u < U; ++u) g[u] = dy[u];
    for (std::size_t d = 0; d < dim; ++d)
        for (std::size_t u = 0; u < U; ++u) dk[d * U + u] += e[d] * g[u];
}

NEWSCLF_VECTOR_CLONES
void add_outer(const float* __restrict e, const float* __restrict dy, std::size_t dim, std::size_t units,
               float* __restrict dk) {
    switch (units) {
    case 1: return add_outer_fixed<1>(e, dy, dim, dk);
    case 2: return add_outer_fixed<2>(e, dy, dim, dk);
    case 4: return add_outer_fixed<4>(e, dy, dim, dk);
    case 8: return add_outer_fixed<8>(e, dy, dim, dk);
    default:
        for (std::size_t d = 0; d < dim; ++d) {
            const float ed = e[d];
            float* __restrict kd = dk + d * units;
            for (std::size_t u = 0; u < units; ++u) kd[u] += ed * dy[u];
        }
    }
}

// Titles ahead whose embedding rows are asked for while a title is summed: the rows lie anywhere
// in a table of megabytes, and each would otherwise be a wait on memory.
constexpr std::size_t prefetch_distance = 2;

}  // namespace

SequenceDense::SequenceDense(const Matrix* embedding, std::size_t max_len, std::size_t units)
    : embedding_(embedding), max_len_(max_len), dim_(embedding->shape(1)), units_(units),
      nonzero_row_(embedding->shape(0), 0) {
    for (std::size_t r = 0; r < embedding->shape(0); ++r) {
        const float* row = embedding->data() + r * dim_;
        for (std::size_t d = 0; d < dim_; ++d)
            if (row[d] != 0.0f) {
                nonzero_row_[r] = 1;
                break;
            }
    }
}

void SequenceDense::prefetch_rows(const TokenBatch& batch, std::size_t b) const {
    if (b >= batch.size()) return;
    std::size_t position;
    const TokenSpan s = truncate_front(batch[b], max_len_, &position);
    const std::size_t rows = embedding_->shape(0);
    for (std::size_t j = 0; j < s.size; ++j)
        if (s.data[j] < rows && nonzero_row_[s.data[j]]) prefetch_floats(embedding_->data() + static_cast<std::size_t>(s.data[j]) * dim_, dim_);
}

void SequenceDense::forward(const float* params, const TokenBatch& batch, float* out) const {
    const float* kernel = params;
    const float* bias = params + kernel_size();
    const std::size_t rows = embedding_->shape(0);
    for (std::size_t b = 0; b < prefetch_distance; ++b) prefetch_rows(batch, b);
    for (std::size_t b = 0; b < batch.size(); ++b) {
        prefetch_rows(batch, b + prefetch_distance);
        float* y = out + b * units_;
        for (std::size_t u = 0; u < units_; ++u) y[u] = bias[u];
        std::size_t position;
        TokenSpan s = truncate_front(batch[b], max_len_, &position);
        for (std::size_t j = 0; j < s.size; ++j, ++position) {
            std::uint32_t w = s.data[j];
            if (w >= rows || !nonzero_row_[w]) continue;
            const float* e = embedding_->data() + static_cast<std::size_t>(w) * dim_;
            add_row_product(e, kernel + position * dim_ * units_, dim_, units_, y);
        }
    }
}

void SequenceDense::backward(const TokenBatch& batch, const float* d_out, float* grads) const {
    float* d_kernel = grads;
    float* d_bias = grads + kernel_size();
    const std::size_t rows = embedding_->shape(0);
    for (std::size_t b = 0; b < batch.size(); ++b) {
        const float* dy = d_out + b * units_;
        for (std::size_t u = 0; u < units_; ++u) d_bias[u] += dy[u];
        std::size_t position;
        TokenSpan s = truncate_front(batch[b], max_len_, &position);
        for (std::size_t j = 0; j < s.size; ++j, ++position) {
            std::uint32_t w = s.data[j];
            if (w >= rows || !nonzero_row_[w]) continue;
            const float* e = embedding_->data() + static_cast<std::size_t>(w) * dim_;
            add_outer(e, dy, dim_, units_, d_kernel + position * dim_ * units_);
        }
    }
}

}  // namespace newsclf
