// Fully connected layer y = x . kernel + bias over a batch, through BLAS.
#pragma once
#include <cstddef>

namespace newsclf {

// The matrices of a mini-batch are small: OpenBLAS's threads cost more than they save, and one
// thread gives the same sums on every machine. Called by every network before it computes, and
// by every tool as it starts (the threads OpenBLAS starts at load are stopped).
void use_single_threaded_blas();

class Dense {
public:
    Dense(std::size_t inputs, std::size_t units) : inputs_(inputs), units_(units) {}
    std::size_t kernel_size() const { return inputs_ * units_; }
    std::size_t parameter_count() const { return kernel_size() + units_; }
    std::size_t inputs() const { return inputs_; }
    std::size_t units() const { return units_; }

    // x: batch x inputs; out: batch x units; params: kernel (inputs x units) then bias.
    void forward(const float* params, const float* x, std::size_t batch, float* out) const;
    // Adds parameter gradients into grads; writes d_x (batch x inputs) unless it is null.
    void backward(const float* params, const float* x, const float* d_out, std::size_t batch, float* grads,
                  float* d_x) const;

private:
    std::size_t inputs_, units_;
};

}  // namespace newsclf
