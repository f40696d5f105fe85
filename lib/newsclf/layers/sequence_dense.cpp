#include "newsclf/layers/sequence_dense.hpp"

#include "newsclf/error.hpp"

namespace newsclf {

SequenceDense::SequenceDense(const Matrix* embedding, std::size_t max_len, std::size_t units)
    : embedding_(embedding), max_len_(max_len), dim_(embedding->shape(1)), units_(units),
      nonzero_row_(embedding->shape(0), false) {
    for (std::size_t r = 0; r < embedding->shape(0); ++r) {
        const float* row = embedding->data() + r * dim_;
        for (std::size_t d = 0; d < dim_; ++d)
            if (row[d] != 0.0f) {
                nonzero_row_[r] = true;
                break;
            }
    }
}

void SequenceDense::forward(const float* params, const TokenBatch& batch, float* out) const {
    const float* kernel = params;
    const float* bias = params + kernel_size();
    const std::size_t rows = embedding_->shape(0);
    for (std::size_t b = 0; b < batch.size(); ++b) {
        float* y = out + b * units_;
        for (std::size_t u = 0; u < units_; ++u) y[u] = bias[u];
        std::size_t position;
        TokenSpan s = truncate_front(batch[b], max_len_, &position);
        for (std::size_t j = 0; j < s.size; ++j, ++position) {
            std::uint32_t w = s.data[j];
            if (w >= rows || !nonzero_row_[w]) continue;
            const float* e = embedding_->data() + static_cast<std::size_t>(w) * dim_;
            const float* k = kernel + position * dim_ * units_;
            for (std::size_t d = 0; d < dim_; ++d) {
                const float ed = e[d];
                const float* kd = k + d * units_;
                for (std::size_t u = 0; u < units_; ++u) y[u] += ed * kd[u];
            }
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
            float* k = d_kernel + position * dim_ * units_;
            for (std::size_t d = 0; d < dim_; ++d) {
                const float ed = e[d];
                float* kd = k + d * units_;
                for (std::size_t u = 0; u < units_; ++u) kd[u] += ed * dy[u];
            }
        }
    }
}

}  // namespace newsclf
