// IEEE 754 half precision (binary16), the f16 tensors of the model file: round to nearest even.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace newsclf {

inline std::uint16_t float_to_half(float value) {
    std::uint32_t x;
    std::memcpy(&x, &value, 4);
    const std::uint32_t sign = (x >> 16) & 0x8000u;
    const std::uint32_t abs = x & 0x7FFFFFFFu;
    if (abs >= 0x7F800000u) return static_cast<std::uint16_t>(sign | 0x7C00u | (abs > 0x7F800000u ? 0x200u : 0u));
    if (abs >= 0x477FF000u) return static_cast<std::uint16_t>(sign | 0x7C00u);  // rounds to infinity
    if (abs < 0x38800000u) {  // below 2^-14: a subnormal half, a multiple of 2^-24, ties to even
        float magnitude;
        std::memcpy(&magnitude, &abs, 4);
        return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(std::nearbyint(magnitude * 16777216.0f)));
    }
    std::uint32_t half = ((abs - 0x38000000u) >> 13);
    const std::uint32_t rest = abs & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
    return static_cast<std::uint16_t>(sign | half);
}

inline float half_to_float(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exponent = (h >> 10) & 0x1Fu;
    std::uint32_t mantissa = h & 0x3FFu;
    std::uint32_t x;
    if (exponent == 0x1Fu) {
        x = sign | 0x7F800000u | (mantissa << 13);
    } else if (exponent != 0) {
        x = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        x = sign;
    } else {  // subnormal: normalise
        exponent = 113;
        while (!(mantissa & 0x400u)) {
            mantissa <<= 1;
            --exponent;
        }
        x = sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13);
    }
    float out;
    std::memcpy(&out, &x, 4);
    return out;
}

// The value a float takes after a round trip through f16.
inline float round_to_half(float value) { return half_to_float(float_to_half(value)); }

// Whole arrays of halves as the files hold them (2 bytes each, little-endian), converted by the
// CPU's F16C instructions where it has them (x86-64 since 2012): a model's tables hold tens of
// millions of values. The same values as the functions above, NaN payloads aside.
void decode_halves(const char* little_endian, float* out, std::size_t n);
void encode_halves(const float* values, char* little_endian, std::size_t n);
// values[i] = round_to_half(values[i]) for each i.
void round_to_half(float* values, std::size_t n);

}  // namespace newsclf
