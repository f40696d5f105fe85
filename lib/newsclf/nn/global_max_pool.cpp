#include "newsclf/nn/global_max_pool.hpp"

namespace newsclf {

void global_max_pool_forward(const float* x, std::size_t columns, const SequenceWindows& w, const float* padding,
                             float* out, std::int32_t* argmax) {
    for (std::size_t s = 0; s < w.sequences.size(); ++s) {
        const auto& q = w.sequences[s];
        float* y = out + s * columns;
        std::int32_t* a = argmax + s * columns;
        std::size_t r = q.window_begin;
        const std::size_t end = q.window_begin + q.window_count;
        if (q.padding_window) {
            for (std::size_t c = 0; c < columns; ++c) y[c] = padding[c], a[c] = pooled_padding;
        } else if (r < end) {
            for (std::size_t c = 0; c < columns; ++c) y[c] = x[r * columns + c], a[c] = static_cast<std::int32_t>(r);
            ++r;
        } else {
            for (std::size_t c = 0; c < columns; ++c) y[c] = 0.0f, a[c] = pooled_nothing;
        }
        for (; r < end; ++r) {
            const float* row = x + r * columns;
            const auto index = static_cast<std::int32_t>(r);
            for (std::size_t c = 0; c < columns; ++c) {  // branch-free, so that it vectorises
                const bool larger = row[c] > y[c];
                y[c] = larger ? row[c] : y[c];
                a[c] = larger ? index : a[c];
            }
        }
    }
}

void global_max_pool_backward(const float* d_out, std::size_t columns, std::size_t sequences, const std::int32_t* argmax,
                              float* d_x, float* d_padding) {
    for (std::size_t i = 0; i < sequences * columns; ++i) {
        const std::size_t c = i % columns;
        if (argmax[i] >= 0) d_x[static_cast<std::size_t>(argmax[i]) * columns + c] += d_out[i];
        else if (argmax[i] == pooled_padding) d_padding[c] += d_out[i];
    }
}

}  // namespace newsclf
