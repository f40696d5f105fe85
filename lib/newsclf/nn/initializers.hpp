// Keras's Glorot-uniform initialiser, the one formula behind every kernel's initial values.
#pragma once
#include <cstddef>

#include "newsclf/base/random.hpp"

namespace newsclf {

// sqrt(6 / (fan_in + fan_out)): Glorot-uniform draws from [-limit, limit].
double glorot_limit(std::size_t fan_in, std::size_t fan_out);
// w[0..n) uniform in [-limit, limit], one random() draw each, in order (as the workshop's Keras
// models were reproduced: the same seed gives the same kernels).
void glorot_uniform(float* w, std::size_t n, std::size_t fan_in, std::size_t fan_out, PythonRandom& rng);

}  // namespace newsclf
