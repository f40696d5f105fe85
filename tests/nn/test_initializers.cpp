// Glorot-uniform: the limit sqrt(6 / (fan_in + fan_out)), one random() draw per value in order.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "newsclf/nn/initializers.hpp"

using namespace newsclf;

TEST_CASE("glorot_limit is sqrt(6 / (fan_in + fan_out))") {
    CHECK(glorot_limit(100, 50) == doctest::Approx(std::sqrt(6.0 / 150.0)));
    CHECK(glorot_limit(1, 2) == doctest::Approx(std::sqrt(2.0)));
}

TEST_CASE("glorot_uniform draws (2 random() - 1) * limit for each value, in order") {
    const std::size_t fan_in = 7, fan_out = 3, n = fan_in * fan_out;
    std::vector<float> w(n + 1, 42.0f);
    PythonRandom rng(5), same(5);
    glorot_uniform(w.data(), n, fan_in, fan_out, rng);
    const double limit = std::sqrt(6.0 / 10.0);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(w[i] == static_cast<float>((2.0 * same.random() - 1.0) * limit));
        CHECK(std::fabs(w[i]) <= limit);
    }
    CHECK(w[n] == 42.0f);                    // nothing beyond n
    CHECK(rng.random() == same.random());    // n draws, no more
}
