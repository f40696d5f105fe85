// Keras's GlobalMaxPooling1D over each sequence's windows: the largest value of each column over
// its window rows and, for a sequence that has windows of padding only, over the value they all
// give (one row for the batch). The backward pass routes each gradient to the row that won.
#pragma once
#include <cstddef>
#include <cstdint>

#include "newsclf/nn/sequence_windows.hpp"

namespace newsclf {

// x: windows x columns; padding: the padding-only windows' row (columns); out: sequences x
// columns; argmax: the winning window row of each output, or one of the values above. Ties go to
// the padding row, then to the earlier window (the padded sequence's order).
void global_max_pool_forward(const float* x, std::size_t columns, const SequenceWindows& w, const float* padding,
                             float* out, std::int32_t* argmax);
// Adds each d_out (sequences x columns) to the d_x entry (windows x columns) or the d_padding
// entry (columns) that won.
void global_max_pool_backward(const float* d_out, std::size_t columns, std::size_t sequences, const std::int32_t* argmax,
                              float* d_x, float* d_padding);

}  // namespace newsclf
