// The temperature fit: the minimum of the mean cross-entropy of softmax(T z), found by hand, by a
// scan, and at the ends of its range.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/base/random.hpp"
#include "newsclf/nn/temperature.hpp"

using namespace newsclf;

TEST_CASE("the temperature minimises the mean cross-entropy of softmax(T z)") {
    // Two rows of the same scores (1, 0, 0, 0), labelled 0 and 1: the mean loss is
    // ln(e^T + 3) - T / 2, least where e^T = 3.
    const std::vector<float> scores = {1, 0, 0, 0, 1, 0, 0, 0};
    const std::vector<std::int8_t> labels = {0, 1};
    CHECK(fit_temperature(scores.data(), labels.data(), 2, 4) == doctest::Approx(std::log(3.0)).epsilon(1e-6));
    // A random case: the derivative (central differences of the mean loss) is 0 at the result.
    PythonRandom rng(11);
    std::vector<float> z(400 * 4);
    std::vector<std::int8_t> y(400);
    for (std::size_t r = 0; r < 400; ++r) {
        y[r] = static_cast<std::int8_t>(rng.randbelow(4));
        for (std::size_t c = 0; c < 4; ++c) z[r * 4 + c] = static_cast<float>(rng.random() - 0.5 + (c == static_cast<std::size_t>(y[r]) ? 0.4 : 0.0));
    }
    y[7] = -1;  // unlabelled: ignored
    auto loss = [&](double t) {
        double sum = 0;
        for (std::size_t r = 0; r < 400; ++r) {
            if (y[r] < 0) continue;
            double total = 0;
            for (std::size_t c = 0; c < 4; ++c) total += std::exp(t * z[r * 4 + c]);
            sum += std::log(total) - t * z[r * 4 + static_cast<std::size_t>(y[r])];
        }
        return sum;
    };
    const double t = fit_temperature(z.data(), y.data(), 400, 4);
    CHECK(t > 1.0);
    CHECK(std::fabs((loss(t + 1e-3) - loss(t - 1e-3)) / 2e-3) < 1e-3);
    CHECK(loss(t) < loss(t * 1.1));
    CHECK(loss(t) < loss(t / 1.1));
    // Every row right with a margin: sharper is always better, until the loss's slope is lost in
    // rounding (e^-T below 1e-16); every row wrong: flatter, down to the bound.
    const std::vector<std::int8_t> right = {0, 0}, wrong = {1, 1};
    CHECK(fit_temperature(scores.data(), right.data(), 2, 4) > 30);
    CHECK(fit_temperature(scores.data(), wrong.data(), 2, 4) == doctest::Approx(1e-3));
}

TEST_CASE("apply_temperature: p^T renormalised; fit_probability_temperature: the fit on log p") {
    std::vector<float> p = {0.5f, 0.25f, 0.125f, 0.125f, 0.25f, 0.25f, 0.25f, 0.25f};
    apply_temperature(p.data(), 2, 4, 2.0);
    // Squares 1/4, 1/16, 1/64, 1/64 over their sum 22/64.
    CHECK(p[0] == doctest::Approx(16.0 / 22).epsilon(1e-6));
    CHECK(p[1] == doctest::Approx(4.0 / 22).epsilon(1e-6));
    CHECK(p[3] == doctest::Approx(1.0 / 22).epsilon(1e-6));
    CHECK(p[4] == doctest::Approx(0.25));  // a uniform row stays uniform
    std::vector<float> same = {0.5f, 0.25f, 0.125f, 0.125f};
    apply_temperature(same.data(), 1, 4, 1.0);
    CHECK(same == std::vector<float>{0.5f, 0.25f, 0.125f, 0.125f});
    // A zero probability stays (next to) zero and makes no NaN.
    std::vector<float> zero = {1.0f, 0.0f, 0.0f, 0.0f};
    apply_temperature(zero.data(), 1, 4, 0.5);
    CHECK(zero[0] == doctest::Approx(1.0));
    CHECK(std::isfinite(zero[1]));
    // The probabilities softmax(z) of the case above: the fit on them is the fit on z.
    const std::vector<float> scores = {1, 0, 0, 0, 1, 0, 0, 0};
    std::vector<float> probabilities = scores;
    for (std::size_t r = 0; r < 2; ++r) {
        double sum = 0;
        for (std::size_t c = 0; c < 4; ++c) sum += std::exp(static_cast<double>(scores[r * 4 + c]));
        for (std::size_t c = 0; c < 4; ++c)
            probabilities[r * 4 + c] = static_cast<float>(std::exp(static_cast<double>(scores[r * 4 + c])) / sum);
    }
    const std::vector<std::int8_t> labels = {0, 1};
    CHECK(fit_probability_temperature(probabilities.data(), labels.data(), 2, 4) ==
          doctest::Approx(std::log(3.0)).epsilon(1e-5));
}
