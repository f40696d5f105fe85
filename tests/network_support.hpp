// Setup and checks shared by the tests of the networks trained by gradient steps (mlp, cnn,
// lstm): random parameters, a forward pass under reproducible dropout masks, central differences
// of the mean loss, and backward's adding into the buffer.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "newsclf/nn/network.hpp"
#include "newsclf/base/random.hpp"

#include "gradient_check.hpp"
#include "synthetic_corpus.hpp"

namespace newsclf::test {

// The network's own initialisation, then every bias drawn uniformly from
// [bias_low, bias_low + bias_width), so that bias gradients are exercised away from their initial
// values too.
template <class Network>
std::vector<float> random_parameters(const Network& network, std::uint64_t seed, double bias_low, double bias_width) {
    std::vector<float> params(network.parameter_count());
    PythonRandom rng(seed);
    network.initialize(params.data(), rng);
    for (const auto& block : network.parameter_blocks())
        if (block.shape.size() == 1)
            for (std::size_t i = 0; i < block.shape[0]; ++i)
                params[block.offset + i] = static_cast<float>(bias_width * rng.random() + bias_low);
    return params;
}

// The network's initialisation from PythonRandom(seed), over a buffer of 9s (an entry it leaves
// unwritten shows).
template <class Network>
std::vector<float> initialized(const Network& network, std::uint64_t seed) {
    std::vector<float> params(network.parameter_count(), 9.0f);
    PythonRandom rng(seed);
    network.initialize(params.data(), rng);
    return params;
}

// Checks probabilities (headlines x classes) against expected(b, c), and that each headline's sum
// to 1; returns the summed cross-entropy of the labelled headlines under expected.
template <class Expected>
double check_probabilities(const std::vector<float>& probabilities, const Headlines& data, std::size_t classes,
                           const Expected& expected) {
    double expected_loss = 0;
    for (std::size_t b = 0; b < data.tokens.size(); ++b) {
        double sum = 0;
        for (std::size_t c = 0; c < classes; ++c) {
            CHECK(probabilities[b * classes + c] == doctest::Approx(expected(b, c)).epsilon(1e-5));
            sum += probabilities[b * classes + c];
        }
        CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));
        if (data.labels[b] >= 0) expected_loss -= std::log(expected(b, static_cast<std::size_t>(data.labels[b])));
    }
    return expected_loss;
}

// The summed loss of a forward pass; with a dropout rate, every call draws the same masks (a
// generator seeded with mask_seed).
constexpr std::uint64_t mask_seed = 777;
inline double forward_with(const TrainableNetwork& network, const float* params, const Headlines& data, Workspace& ws,
                           float dropout_rate) {
    PythonRandom rng(mask_seed);
    const Dropout dropout{dropout_rate, &rng};
    return network.forward(params, data.batch(), data.labels.data(), ws, dropout_rate > 0 ? &dropout : nullptr);
}

// Central differences of the mean loss over data with respect to every parameter (see
// central_differences); regime(ws) gives the discrete state of a forward pass.
template <class Network, class Regime>
NumericGradient mean_loss_differences(const Network& network, std::vector<float> params, const Headlines& data, float h,
                                      float dropout_rate, const Regime& regime) {
    const double count = static_cast<double>(data.labelled());
    typename Network::Workspace ws;
    return central_differences(
        params, h, [&] { return forward_with(network, params.data(), data, ws, dropout_rate) / count; },
        [&] { return regime(ws); });
}

template <class Network>
NumericGradient mean_loss_differences(const Network& network, const std::vector<float>& params, const Headlines& data,
                                      float h, float dropout_rate = 0.0f) {
    return mean_loss_differences(network, params, data, h, dropout_rate,
                                 [](const typename Network::Workspace&) { return 0; });
}

// backward adds into the buffer: a second forward and backward over grads doubles it.
inline void check_backward_adds(const TrainableNetwork& network, const std::vector<float>& params, const Headlines& data,
                                Workspace& ws, const std::vector<float>& grads) {
    std::vector<float> twice = grads;
    const TokenBatch batch = data.batch();
    network.forward(params.data(), batch, data.labels.data(), ws);
    network.backward(params.data(), batch, data.labels.data(), data.labelled(), ws, twice.data());
    for (std::size_t i = 0; i < grads.size(); ++i) CHECK(twice[i] == doctest::Approx(2.0f * grads[i]).epsilon(1e-6));
}

}  // namespace newsclf::test
