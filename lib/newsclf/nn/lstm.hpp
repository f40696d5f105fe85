// Keras's LSTM layer over packed sequences (see packed_sequences.hpp): every sequence runs over
// its own entries only, from a zero state, as a masked Keras LSTM does. Gates in Keras's order
// i, f, c, o; activation tanh, recurrent activation sigmoid:
//   z = x W + h R + b;  i = s(z_i), f = s(z_f), g = tanh(z_c), o = s(z_o)
//   c = f * c + i * g;  h = o * tanh(c)
// The input projections of all steps are one GEMM; the recurrent part is one GEMM per step over
// the sequences still running; backward through time likewise.
#pragma once
#include <cstddef>
#include <vector>

#include "newsclf/nn/packed_sequences.hpp"

namespace newsclf {

class Lstm {
public:
    Lstm(std::size_t inputs, std::size_t units) : inputs_(inputs), units_(units) {}
    std::size_t inputs() const { return inputs_; }
    std::size_t units() const { return units_; }
    std::size_t kernel_size() const { return inputs_ * 4 * units_; }
    std::size_t recurrent_kernel_size() const { return units_ * 4 * units_; }
    std::size_t parameter_count() const { return kernel_size() + recurrent_kernel_size() + 4 * units_; }
    // Offsets in the layer's parameters: kernel (inputs x 4 units), recurrent kernel
    // (units x 4 units), bias (4 units).
    std::size_t recurrent_kernel_offset() const { return kernel_size(); }
    std::size_t bias_offset() const { return kernel_size() + recurrent_kernel_size(); }

    // One batch's values, entries x width, in the packed order.
    struct State {
        std::vector<float> gates;      // i, f, g, o after their activations (4 units)
        std::vector<float> cells;      // c
        std::vector<float> cell_tanh;  // tanh(c)
        std::vector<float> hidden;     // h, the output of every step
        std::vector<float> zeros;      // the state before the first step
        // backward's scratch
        std::vector<float> d_gates, d_cell, previous_hidden, ones;
    };

    // x: entries x inputs. Every step's h goes to state.hidden (return_sequences=True); last()
    // picks each sequence's final one (return_sequences=False).
    void forward(const float* params, const PackedSequences& p, const float* x, State& state) const;
    // After forward: d_hidden (entries x units) is d loss / d h of every entry from above; it is
    // used as scratch (the recurrent gradients are added into it). Adds the parameter gradients
    // into grads and writes d_x (entries x inputs) unless it is null.
    void backward(const float* params, const PackedSequences& p, const float* x, State& state, float* d_hidden,
                  float* grads, float* d_x) const;

    // out (slots x units): each sequence's h at its last step; zeros for an empty one.
    void last(const PackedSequences& p, const State& state, float* out) const;
    // d_hidden (entries x units) = d_last (slots x units) at each sequence's last step, else 0.
    void scatter_last(const PackedSequences& p, const float* d_last, float* d_hidden) const;

private:
    std::size_t inputs_, units_;
};

}  // namespace newsclf
