// Dense against central finite differences and the product it computes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/base/random.hpp"
#include "newsclf/nn/dense.hpp"

#include "gradient_check.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("Dense gradients match central differences") {
    for (auto [inputs, units] : {std::pair<std::size_t, std::size_t>{3, 4}, {2, 2}, {8, 1}, {5, 3}}) {
        CAPTURE(inputs);
        CAPTURE(units);
        const std::size_t batch = 5;
        Dense layer(inputs, units);
        PythonRandom rng(inputs * 10 + units);
        std::vector<float> params = uniform_vector(rng, layer.parameter_count());
        std::vector<float> x = uniform_vector(rng, batch * inputs);
        const std::vector<float> weights = uniform_vector(rng, batch * units);
        std::vector<float> out(batch * units);
        auto objective = [&] {
            layer.forward(params.data(), x.data(), batch, out.data());
            return weighted_sum(out, weights);
        };
        std::vector<float> grads(layer.parameter_count(), 0.0f), d_x(batch * inputs, 0.0f);
        layer.backward(params.data(), x.data(), weights.data(), batch, grads.data(), d_x.data());
        require_gradient_matches(grads, central_differences(params, 1e-2f, objective));
        require_gradient_matches(d_x, central_differences(x, 1e-2f, objective));

        // Parameter gradients add into grads; d_x may be skipped.
        std::vector<float> again(grads.size(), -2.0f);
        layer.backward(params.data(), x.data(), weights.data(), batch, again.data(), nullptr);
        for (std::size_t i = 0; i < grads.size(); ++i) CHECK(again[i] == doctest::Approx(grads[i] - 2.0f).epsilon(1e-6));
    }
}

TEST_CASE("Dense forward is x . kernel + bias") {
    Dense layer(3, 2);
    const std::vector<float> params = {1, 2, 3, 4, 5, 6, 0.5f, -1};  // kernel rows (1 2) (3 4) (5 6), bias (0.5 -1)
    const std::vector<float> x = {1, 0, 0, 1, 1, 1};
    std::vector<float> out(4);
    layer.forward(params.data(), x.data(), 2, out.data());
    CHECK(out == std::vector<float>{1.5f, 1.0f, 9.5f, 11.0f});
}
