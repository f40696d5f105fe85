#include "newsclf/base/half.hpp"

#include <algorithm>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define NEWSCLF_F16C 1
#endif

namespace newsclf {

namespace {

constexpr bool little_endian_host = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

#ifdef NEWSCLF_F16C
// F16C from CPUID itself: clang's __builtin_cpu_supports does not know "f16c".
bool has_f16c() {
    static const bool yes = [] {
        unsigned eax, ebx, ecx, edx;
        return __builtin_cpu_supports("avx") && __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
    }();
    return yes;
}

__attribute__((target("avx,f16c"))) std::size_t decode_f16c(const char* in, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2 * i))));
    return i;
}

__attribute__((target("avx,f16c"))) std::size_t encode_f16c(const float* values, char* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(values + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    return i;
}
#endif

}  // namespace

void decode_halves(const char* in, float* out, std::size_t n) {
    std::size_t i = 0;
#ifdef NEWSCLF_F16C
    if (little_endian_host && has_f16c()) i = decode_f16c(in, out, n);
#endif
    for (; i < n; ++i)
        out[i] = half_to_float(static_cast<std::uint16_t>(static_cast<unsigned char>(in[2 * i]) |
                                                          static_cast<unsigned char>(in[2 * i + 1]) << 8));
}

void encode_halves(const float* values, char* out, std::size_t n) {
    std::size_t i = 0;
#ifdef NEWSCLF_F16C
    if (little_endian_host && has_f16c()) i = encode_f16c(values, out, n);
#endif
    for (; i < n; ++i) {
        const std::uint16_t h = float_to_half(values[i]);
        out[2 * i] = static_cast<char>(h & 0xFF);
        out[2 * i + 1] = static_cast<char>(h >> 8);
    }
}

void round_to_half(float* values, std::size_t n) {
    char buffer[2 * 4096];
    for (std::size_t begin = 0; begin < n; begin += 4096) {
        const std::size_t count = std::min<std::size_t>(4096, n - begin);
        encode_halves(values + begin, buffer, count);
        decode_halves(buffer, values + begin, count);
    }
}

}  // namespace newsclf
