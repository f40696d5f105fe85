// Built with -fno-trapping-math (lib/CMakeLists.txt): without it the clamp below is a branch and
// the loops stay scalar.
#include "newsclf/nn/squashing.hpp"

#include <cstdint>
#include <cstring>

namespace newsclf {

namespace {

// exp(x) for x clamped to [-87, 88]: 2^n * p(r), n = round(x / ln 2), r = x - n ln 2 (in two
// parts), p Cephes's degree-7 polynomial.
inline float exp_clamped(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    const float round_magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
    const float n = (x * 1.44269504088896341f + round_magic) - round_magic;
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

}  // namespace

void sigmoid_inplace(float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) x[i] = 1.0f / (1.0f + exp_clamped(-x[i]));
}

void tanh_of(const float* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = 1.0f - 2.0f / (1.0f + exp_clamped(2.0f * x[i]));
}

}  // namespace newsclf
