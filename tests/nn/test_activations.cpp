// relu, softmax and the softmax cross-entropy against central finite differences and known values.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/base/random.hpp"
#include "newsclf/nn/activations.hpp"

#include "gradient_check.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("relu gradient matches central differences away from the kink") {
    PythonRandom rng(3);
    std::vector<float> x(40);
    for (auto& v : x) {
        v = uniform(rng, 0.05, 1.0);
        if (rng.random() < 0.5) v = -v;  // at least 0.05 from the kink, well beyond the step
    }
    const std::vector<float> weights = uniform_vector(rng, x.size());
    auto objective = [&] {
        std::vector<float> y = x;
        relu_forward(y.data(), y.size());
        return weighted_sum(y, weights);
    };
    std::vector<float> y = x;
    relu_forward(y.data(), y.size());
    std::vector<float> d = weights;
    relu_backward(y.data(), d.data(), d.size());
    GradientCheck c = check_gradient(d, central_differences(x, 1e-3f, objective));
    CHECK(c.failures == 0);
    std::size_t active = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        CHECK(y[i] == (x[i] > 0 ? x[i] : 0.0f));
        active += x[i] > 0;
    }
    CHECK(active > 5);
    CHECK(active < x.size() - 5);
    std::vector<float> wrong = weights;  // passing the gradient through everywhere is caught
    CHECK(check_gradient(wrong, central_differences(x, 1e-3f, objective)).failures > 0);
}

TEST_CASE("softmax cross-entropy gradient matches central differences") {
    const std::size_t batch = 6, classes = 4;
    PythonRandom rng(21);
    std::vector<float> logits = uniform_vector(rng, batch * classes, -3.0, 3.0);
    const std::vector<std::int8_t> labels = {0, 3, -1, 2, 1, 3};  // one unlabelled row
    const std::size_t count = 5;
    auto objective = [&] {
        std::vector<float> z = logits;
        return softmax_cross_entropy(z.data(), labels.data(), batch, classes) / static_cast<double>(count);
    };
    std::vector<float> p = logits;
    softmax_cross_entropy(p.data(), labels.data(), batch, classes);
    std::vector<float> d(batch * classes);
    softmax_cross_entropy_backward(p.data(), labels.data(), batch, classes, count, d.data());
    require_gradient_matches(d, central_differences(logits, 1e-3f, objective));
    for (std::size_t c = 0; c < classes; ++c) CHECK(d[2 * classes + c] == 0.0f);  // the unlabelled row
}

TEST_CASE("softmax cross-entropy values, and the clipping at 1e-7") {
    std::vector<float> z = {0, 0, 0, 0, 1, 2, 3, 4, 0, 40, 0, 0, 1000, 1000, 1000, 1000};
    const std::vector<std::int8_t> labels = {1, 3, 0, -1};
    const double loss = softmax_cross_entropy(z.data(), labels.data(), 4, 4);
    for (std::size_t c = 0; c < 4; ++c) CHECK(z[c] == doctest::Approx(0.25));
    const double denominator = std::exp(-3.0) + std::exp(-2.0) + std::exp(-1.0) + 1.0;
    CHECK(z[7] == doctest::Approx(1.0 / denominator));
    for (std::size_t c = 12; c < 16; ++c) CHECK(z[c] == doctest::Approx(0.25));  // no overflow
    // Row 3's true class has e^-40 ~ 4e-18: clipped to 1e-7, so it adds -log(1e-7) = 16.118.
    const double expected = std::log(4.0) + std::log(denominator) + -std::log(static_cast<double>(1e-7f));
    CHECK(loss == doctest::Approx(expected).epsilon(1e-6));
    CHECK(softmax_cross_entropy(z.data(), nullptr, 4, 4) == 0.0);  // no labels, no loss
}

TEST_CASE("softmax_rows: each row sums to 1, shifted by its maximum, and the temperature scales the logits") {
    std::vector<float> z = {1, 2, 3, 4, 1000, 1000, 1000, 1000, -5, 0, 5, 0};
    std::vector<float> hot = z;
    softmax_rows(z.data(), 3, 4);
    for (std::size_t r = 0; r < 3; ++r) {
        double sum = 0;
        for (std::size_t c = 0; c < 4; ++c) sum += z[r * 4 + c];
        CHECK(sum == doctest::Approx(1.0));
    }
    const double denominator = std::exp(-3.0) + std::exp(-2.0) + std::exp(-1.0) + 1.0;
    CHECK(z[3] == doctest::Approx(1.0 / denominator));
    for (std::size_t c = 4; c < 8; ++c) CHECK(z[c] == doctest::Approx(0.25));  // no overflow
    // softmax(0.5 z) of the first row.
    softmax_rows(hot.data(), 3, 4, 0.5f);
    const double half = std::exp(-1.5) + std::exp(-1.0) + std::exp(-0.5) + 1.0;
    CHECK(hot[3] == doctest::Approx(1.0 / half));
    CHECK(hot[0] == doctest::Approx(std::exp(-1.5) / half));
    // The cross-entropy's probabilities are the same softmax, bit for bit.
    std::vector<float> logits = {0.3f, -1.2f, 2.5f, 0.0f};
    std::vector<float> plain = logits;
    softmax_rows(plain.data(), 1, 4);
    softmax_cross_entropy(logits.data(), nullptr, 1, 4);
    CHECK(plain == logits);
}
