// Unit tests of half.hpp: float <-> IEEE 754 binary16 on exact values, ties to even, subnormals,
// overflow, infinities and NaN, and the bulk functions (F16C where the CPU has it) against the
// scalar ones.
#include "newsclf/base/half.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

using newsclf::float_to_half;
using newsclf::half_to_float;

namespace {

float from_bits(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

std::uint32_t bits_of(float f) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return bits;
}

bool is_half_nan(std::uint16_t h) { return (h & 0x7C00u) == 0x7C00u && (h & 0x3FFu) != 0; }

// Floats of every exponent: random bit patterns, NaNs left out.
std::vector<float> random_floats(std::size_t n) {
    std::vector<float> out;
    std::uint64_t state = 88172645463325252ull;
    while (out.size() < n) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        const float f = from_bits(static_cast<std::uint32_t>(state >> 16));
        if (!std::isnan(f)) out.push_back(f);
    }
    return out;
}

}  // namespace

TEST_CASE("values that halves hold exactly convert both ways unchanged") {
    struct Exact {
        float value;
        std::uint16_t half;
    };
    const Exact table[] = {
        {0.0f, 0x0000},       {1.0f, 0x3C00},        {-2.0f, 0xC000},         {0.5f, 0x3800},
        {3.140625f, 0x4248},  {65504.0f, 0x7BFF},    {-65504.0f, 0xFBFF},     {0.333251953125f, 0x3555},
        {1.0009765625f, 0x3C01},                      // 1 + 2^-10, the next half after 1
        {std::ldexp(1.0f, -14), 0x0400},              // the smallest normal half
        {std::ldexp(1.0f, -24), 0x0001},              // the smallest subnormal
        {std::ldexp(1023.0f, -24), 0x03FF},           // the largest subnormal
        {-std::ldexp(5.0f, -24), 0x8005},
    };
    for (const auto& e : table) {
        INFO("value " << e.value);
        CHECK(float_to_half(e.value) == e.half);
        CHECK(half_to_float(e.half) == e.value);
    }
    CHECK(float_to_half(-0.0f) == 0x8000);
    CHECK(std::signbit(half_to_float(0x8000)));
    CHECK(half_to_float(0x8000) == 0.0f);
}

TEST_CASE("every half converts to a float and back to itself") {
    for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
        const auto half = static_cast<std::uint16_t>(h);
        const float f = half_to_float(half);
        if (is_half_nan(half)) {
            if (!std::isnan(f)) FAIL_CHECK("half " << h << " is a NaN but its float is not");
            if (!is_half_nan(float_to_half(f))) FAIL_CHECK("half " << h << " is a NaN but does not come back as one");
            continue;
        }
        if (float_to_half(f) != half) FAIL_CHECK("half " << h << " comes back as " << float_to_half(f));
    }
}

TEST_CASE("floats between two halves round to the nearer, ties to the even one") {
    const float ulp = std::ldexp(1.0f, -10);  // halves' spacing in [1, 2)
    CHECK(float_to_half(1.0f + ulp / 2) == 0x3C00);                      // tie: 0x3C00 is even
    CHECK(float_to_half(1.0f + 3 * ulp / 2) == 0x3C02);                  // tie: 0x3C02 is even
    CHECK(float_to_half(std::nextafter(1.0f + ulp / 2, 2.0f)) == 0x3C01);  // just above the tie
    CHECK(float_to_half(std::nextafter(1.0f + 3 * ulp / 2, 0.0f)) == 0x3C01);
    CHECK(float_to_half(-(1.0f + ulp / 2)) == 0xBC00);
    CHECK(float_to_half(0.1f) == 0x2E66);
    CHECK(float_to_half(1.9999999f) == 0x4000);  // carries into the exponent
    CHECK(float_to_half(2047.5f) == 0x6800);     // tie at the top of a binade: 2048 is even
    SUBCASE("overflow: 65520 and above round to infinity, below it to 65504") {
        CHECK(float_to_half(65519.99f) == 0x7BFF);
        CHECK(float_to_half(65520.0f) == 0x7C00);
        CHECK(float_to_half(-65520.0f) == 0xFC00);
        CHECK(float_to_half(1e10f) == 0x7C00);
        CHECK(float_to_half(std::numeric_limits<float>::max()) == 0x7C00);
    }
    SUBCASE("subnormals are multiples of 2^-24, ties to even") {
        const float tiny = std::ldexp(1.0f, -24);
        CHECK(float_to_half(tiny / 2) == 0x0000);                      // tie: 0 is even
        CHECK(float_to_half(std::nextafter(tiny / 2, 1.0f)) == 0x0001);
        CHECK(float_to_half(3 * tiny / 2) == 0x0002);                  // tie: 2 is even
        CHECK(float_to_half(5 * tiny / 2) == 0x0002);
        CHECK(float_to_half(1023.5f * tiny) == 0x0400);                // into the smallest normal
        CHECK(float_to_half(-tiny / 4) == 0x8000);
        CHECK(float_to_half(std::numeric_limits<float>::denorm_min()) == 0x0000);
        CHECK(half_to_float(0x0200) == 512 * tiny);
    }
}

TEST_CASE("infinities and NaN") {
    const float inf = std::numeric_limits<float>::infinity();
    CHECK(float_to_half(inf) == 0x7C00);
    CHECK(float_to_half(-inf) == 0xFC00);
    CHECK(half_to_float(0x7C00) == inf);
    CHECK(half_to_float(0xFC00) == -inf);
    CHECK(is_half_nan(float_to_half(std::numeric_limits<float>::quiet_NaN())));
    CHECK(is_half_nan(float_to_half(from_bits(0x7F800001u))));  // a signalling NaN whose payload is lost
    CHECK(is_half_nan(float_to_half(-std::numeric_limits<float>::quiet_NaN())));
    CHECK(std::isnan(half_to_float(0x7E00)));
    CHECK(std::isnan(half_to_float(0x7C01)));
    CHECK(std::isnan(newsclf::round_to_half(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("the bulk functions give the scalar ones' values, little-endian") {
    SUBCASE("decode_halves of every half") {
        std::vector<char> bytes(2 * 65536);
        for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
            bytes[2 * h] = static_cast<char>(h & 0xFF);
            bytes[2 * h + 1] = static_cast<char>(h >> 8);
        }
        std::vector<float> out(65536);
        newsclf::decode_halves(bytes.data(), out.data(), out.size());
        for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
            const float want = half_to_float(static_cast<std::uint16_t>(h));
            const bool same = std::isnan(want) ? std::isnan(out[h]) : bits_of(out[h]) == bits_of(want);
            if (!same) FAIL_CHECK("decode_halves of half " << h);
        }
    }
    SUBCASE("encode_halves and round_to_half of floats of every exponent, a length that is not a multiple of 8") {
        std::vector<float> values = random_floats(100003);
        const float tiny = std::ldexp(1.0f, -24);
        for (float f : {0.0f, -0.0f, 65504.0f, 65520.0f, 65519.99f, tiny / 2, 3 * tiny / 2, 1023.5f * tiny,
                        1.0f + std::ldexp(1.0f, -11), std::numeric_limits<float>::infinity()})
            values.push_back(f);
        std::vector<char> bytes(2 * values.size());
        newsclf::encode_halves(values.data(), bytes.data(), values.size());
        std::vector<float> rounded = values;
        newsclf::round_to_half(rounded.data(), rounded.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::uint16_t want = float_to_half(values[i]);
            const auto got = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[2 * i]) |
                                                        static_cast<unsigned char>(bytes[2 * i + 1]) << 8);
            if (got != want) FAIL_CHECK("encode_halves of " << values[i] << ": " << got << ", not " << want);
            if (bits_of(rounded[i]) != bits_of(newsclf::round_to_half(values[i])))
                FAIL_CHECK("round_to_half of " << values[i]);
        }
        std::vector<char> one(2);
        const float one_value = 1.0f;
        newsclf::encode_halves(&one_value, one.data(), 1);
        CHECK(static_cast<unsigned char>(one[0]) == 0x00);
        CHECK(static_cast<unsigned char>(one[1]) == 0x3C);
    }
}
