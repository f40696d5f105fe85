#include "newsclf/nn/conv1d.hpp"

#include <cblas.h>

#include <algorithm>

#include "newsclf/base/error.hpp"

namespace newsclf {

Conv1D::Conv1D(std::size_t inputs, std::size_t filters, std::size_t width)
    : inputs_(inputs), filters_(filters), width_(width) {
    if (inputs < 1 || filters < 1 || width < 1) throw UsageError("Conv1D needs at least one input, filter and kernel column");
}

void Conv1D::plan(const std::vector<std::size_t>& lengths, std::size_t max_len, SequenceWindows& out) const {
    if (max_len < width_)
        throw UsageError("max_len (" + std::to_string(max_len) + ") must be at least kernel_size (" + std::to_string(width_) + ")");
    out.sequences.resize(lengths.size());
    out.tokens = out.windows = 0;
    for (std::size_t s = 0; s < lengths.size(); ++s) {
        auto& q = out.sequences[s];
        q.length = std::min(lengths[s], max_len);
        const std::size_t padding = max_len - q.length;
        q.token_begin = out.tokens;
        q.first_end = padding + 1 >= width_ ? 0 : width_ - 1 - padding;
        q.window_begin = out.windows;
        q.window_count = q.length - q.first_end;
        q.padding_window = padding >= width_;
        out.tokens += q.length;
        out.windows += q.window_count;
    }
}

void Conv1D::gather_columns(const float* x, const SequenceWindows& w, float* columns) const {
    const std::size_t row = fan_in();
    for (const auto& q : w.sequences) {
        float* c = columns + q.window_begin * row;
        for (std::size_t end = q.first_end; end < q.length; ++end, c += row) {
            // The window holds tokens end + 1 - width .. end; those before the first are padding.
            const std::size_t missing = end + 1 >= width_ ? 0 : width_ - 1 - end;
            std::fill(c, c + missing * inputs_, 0.0f);
            const float* first = x + (q.token_begin + end + 1 + missing - width_) * inputs_;
            std::copy(first, first + (width_ - missing) * inputs_, c + missing * inputs_);
        }
    }
}

void Conv1D::forward(const float* params, const float* columns, std::size_t windows, float* out) const {
    const float* bias = params + kernel_size();
    for (std::size_t r = 0; r < windows; ++r) std::copy(bias, bias + filters_, out + r * filters_);
    if (windows == 0) return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(windows), static_cast<int>(filters_),
                static_cast<int>(fan_in()), 1.0f, columns, static_cast<int>(fan_in()), params, static_cast<int>(filters_),
                1.0f, out, static_cast<int>(filters_));
}

void Conv1D::backward(const float* params, const float* columns, const float* d_out, const float* d_padding,
                      const SequenceWindows& w, float* grads, float* d_columns, float* d_x) const {
    float* d_bias = grads + kernel_size();
    for (std::size_t r = 0; r < w.windows; ++r)
        for (std::size_t f = 0; f < filters_; ++f) d_bias[f] += d_out[r * filters_ + f];
    if (d_padding)
        for (std::size_t f = 0; f < filters_; ++f) d_bias[f] += d_padding[f];
    if (d_x) std::fill(d_x, d_x + w.tokens * inputs_, 0.0f);
    if (w.windows == 0) return;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(fan_in()), static_cast<int>(filters_),
                static_cast<int>(w.windows), 1.0f, columns, static_cast<int>(fan_in()), d_out, static_cast<int>(filters_),
                1.0f, grads, static_cast<int>(filters_));
    if (!d_x) return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(w.windows), static_cast<int>(fan_in()),
                static_cast<int>(filters_), 1.0f, d_out, static_cast<int>(filters_), params, static_cast<int>(filters_), 0.0f,
                d_columns, static_cast<int>(fan_in()));
    // col2im: each window's columns back onto the tokens they were copied from.
    const std::size_t row = fan_in();
    for (const auto& q : w.sequences) {
        const float* c = d_columns + q.window_begin * row;
        for (std::size_t end = q.first_end; end < q.length; ++end, c += row) {
            const std::size_t missing = end + 1 >= width_ ? 0 : width_ - 1 - end;
            float* first = d_x + (q.token_begin + end + 1 + missing - width_) * inputs_;
            const float* from = c + missing * inputs_;
            for (std::size_t i = 0; i < (width_ - missing) * inputs_; ++i) first[i] += from[i];
        }
    }
}

void Conv1D::backward_at(const float* params, const float* columns, const float* d, const std::int32_t* at,
                         const SequenceWindows& w, float* grads, float* scratch, float* d_x) const {
    const std::size_t row = fan_in(), sequences = w.sequences.size();
    float* d_bias = grads + kernel_size();
    // d kernel, transposed (filters x fan_in): a window's columns for each entry.
    std::fill(scratch, scratch + filters_ * row, 0.0f);
    for (std::size_t i = 0; i < sequences * filters_; ++i) {
        const std::size_t f = i % filters_;
        if (at[i] == pooled_nothing || d[i] == 0.0f) continue;
        d_bias[f] += d[i];
        if (at[i] == pooled_padding) continue;
        cblas_saxpy(static_cast<int>(row), d[i], columns + static_cast<std::size_t>(at[i]) * row, 1, scratch + f * row, 1);
    }
    for (std::size_t k = 0; k < row; ++k)
        for (std::size_t f = 0; f < filters_; ++f) grads[k * filters_ + f] += scratch[f * row + k];
    if (!d_x) return;
    // d x: each entry's filter, transposed, onto the tokens of its window.
    std::fill(d_x, d_x + w.tokens * inputs_, 0.0f);
    for (std::size_t k = 0; k < row; ++k)
        for (std::size_t f = 0; f < filters_; ++f) scratch[f * row + k] = params[k * filters_ + f];
    for (std::size_t s = 0; s < sequences; ++s) {
        const auto& q = w.sequences[s];
        for (std::size_t f = 0; f < filters_; ++f) {
            const std::size_t i = s * filters_ + f;
            if (at[i] < 0 || d[i] == 0.0f) continue;
            const std::size_t end = q.first_end + (static_cast<std::size_t>(at[i]) - q.window_begin);
            const std::size_t missing = end + 1 >= width_ ? 0 : width_ - 1 - end;
            cblas_saxpy(static_cast<int>((width_ - missing) * inputs_), d[i], scratch + f * row + missing * inputs_, 1,
                        d_x + (q.token_begin + end + 1 + missing - width_) * inputs_, 1);
        }
    }
}

}  // namespace newsclf
