// Glorot-uniform over the Mersenne Twister.
#include "newsclf/nn/initializers.hpp"

#include <cmath>

namespace newsclf {

double glorot_limit(std::size_t fan_in, std::size_t fan_out) {
    return std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
}

void glorot_uniform(float* w, std::size_t n, std::size_t fan_in, std::size_t fan_out, PythonRandom& rng) {
    const double limit = glorot_limit(fan_in, fan_out);
    for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>((2.0 * rng.random() - 1.0) * limit);
}

}  // namespace newsclf
