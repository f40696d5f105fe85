// Inverted dropout: masks of 0 and 1 / (1 - rate), about `rate` of them 0, the same masks from the
// same generator state, the values scaled by them, and the two streams (SplitMix64 bits, one
// Mersenne Twister draw per value) as documented.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/nn/dropout.hpp"

using namespace newsclf;

namespace {

std::vector<float> ramp(std::size_t n) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = 0.5f + static_cast<float>(i);
    return x;
}

}  // namespace

TEST_CASE("apply_dropout: the documented SplitMix64 stream, 16 bits a value") {
    const float rate = 0.3f;
    const std::size_t n = 4001;  // not a multiple of 4
    PythonRandom rng(17), seed_source(17);
    std::vector<float> x = ramp(n), mask;
    apply_dropout({rate, &rng}, x.data(), n, &mask);
    REQUIRE(mask.size() == n);
    // Written out: the state from two draws, high word first; value i from bits 16 (i % 4) of
    // output i / 4.
    std::uint64_t state = static_cast<std::uint64_t>(seed_source.next_u32()) << 32 | seed_source.next_u32();
    const auto threshold = static_cast<std::uint64_t>(std::lround(0.3 * 65536.0));
    const float scale = 1.0f / (1.0f - rate);
    const std::vector<float> before = ramp(n);
    std::size_t dropped = 0;
    std::uint64_t z = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 4 == 0) {
            z = (state += 0x9e3779b97f4a7c15ull);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            z ^= z >> 31;
        }
        const float want = ((z >> (16 * (i % 4))) & 0xffffu) >= threshold ? scale : 0.0f;
        CHECK(mask[i] == want);
        CHECK(x[i] == before[i] * want);
        dropped += want == 0.0f;
    }
    CHECK(static_cast<double>(dropped) / n == doctest::Approx(0.3).epsilon(0.1));
    CHECK(rng.next_u32() == seed_source.next_u32());  // two draws of the generator, no more
}

TEST_CASE("apply_dropout without a mask to keep scales the same way") {
    PythonRandom a(3), b(3);
    std::vector<float> x = ramp(100), y = ramp(100), mask;
    apply_dropout({0.5f, &a}, x.data(), x.size(), nullptr);
    apply_dropout({0.5f, &b}, y.data(), y.size(), &mask);
    CHECK(x == y);
}

TEST_CASE("apply_dropout_drawing_each: one random() per value, dropped when it is below the rate") {
    const float rate = 0.25f;
    PythonRandom rng(8), same(8);
    std::vector<float> x = ramp(500), mask;
    apply_dropout_drawing_each({rate, &rng}, x.data(), x.size(), &mask);
    const std::vector<float> before = ramp(500);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float want = same.random() < rate ? 0.0f : 1.0f / (1.0f - rate);
        CHECK(mask[i] == want);
        CHECK(x[i] == before[i] * want);
    }
}

TEST_CASE("multiply_by_mask: the gradient through a drawn mask; an empty mask leaves it") {
    std::vector<float> d = {1, 2, 3, 4};
    multiply_by_mask(d.data(), {0.0f, 2.0f, 0.0f, 2.0f});
    CHECK(d == std::vector<float>{0, 4, 0, 8});
    multiply_by_mask(d.data(), {});
    CHECK(d == std::vector<float>{0, 4, 0, 8});
}
