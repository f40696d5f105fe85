// Keras's Conv1D (padding 'valid', stride 1) over a batch of token sequences padded at the front
// with zero vectors to a fixed length, computed without the padding's work: one im2col matrix of
// the windows that hold a token, one GEMM. The windows of padding only all give the bias. Its
// backward pass has a sparse form for a global max pool's gradient.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "newsclf/nn/sequence_windows.hpp"

namespace newsclf {

class Conv1D {
public:
    // inputs: values per token; kernel (width, inputs, filters), as Keras lays it out.
    Conv1D(std::size_t inputs, std::size_t filters, std::size_t width);
    std::size_t inputs() const { return inputs_; }
    std::size_t filters() const { return filters_; }
    std::size_t width() const { return width_; }
    std::size_t fan_in() const { return width_ * inputs_; }
    std::size_t kernel_size() const { return fan_in() * filters_; }
    std::size_t parameter_count() const { return kernel_size() + filters_; }

    // The windows of sequences of these lengths (each at most max_len, max_len >= width), packed
    // one after the other, padded at the front to max_len.
    void plan(const std::vector<std::size_t>& lengths, std::size_t max_len, SequenceWindows& out) const;
    // columns (windows x fan_in): each window's width vectors of x (tokens x inputs) side by side,
    // zeros for padding.
    void gather_columns(const float* x, const SequenceWindows& w, float* columns) const;
    // out (windows x filters) = columns . kernel + bias. A window of padding only gives the bias.
    void forward(const float* params, const float* columns, std::size_t windows, float* out) const;
    // Adds d loss / d (kernel, bias) into grads for d_out (windows x filters) and d_padding (filters:
    // the gradient on the outputs of the padding-only windows, summed; null: none). With d_x, also
    // writes d loss / d x (tokens x inputs), using d_columns (windows x fan_in) as scratch.
    void backward(const float* params, const float* columns, const float* d_out, const float* d_padding,
                  const SequenceWindows& w, float* grads, float* d_columns, float* d_x) const;
    // The same for the gradient a global max pool passes back: d_out is zero but for one entry per
    // sequence and filter, d[s][f] at window row at[s][f] (pooled_padding: at the padding-only
    // windows; pooled_nothing: none). Costs sequences x filters x fan_in, not windows x filters x
    // fan_in. scratch: filters x fan_in floats.
    void backward_at(const float* params, const float* columns, const float* d, const std::int32_t* at,
                     const SequenceWindows& w, float* grads, float* scratch, float* d_x) const;

private:
    std::size_t inputs_, filters_, width_;
};

}  // namespace newsclf
