// The logistic sigmoid and tanh over arrays, for the gates of recurrent layers: a polynomial exp
// (Cephes's expf: within 1e-7 relative) that the compiler vectorises, where the C library's
// expf and tanhf are called one value at a time. Results are within 2e-7 of the exact values.
#pragma once
#include <cstddef>

namespace newsclf {

// x = 1 / (1 + exp(-x)), in place.
void sigmoid_inplace(float* x, std::size_t n);
// y = tanh(x); y may be x.
void tanh_of(const float* x, float* y, std::size_t n);

}  // namespace newsclf
