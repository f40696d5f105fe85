// MlpNetwork: its forward pass against the explicit Keras computation, its backward pass against
// central finite differences of the mean loss, the parameter layout and the Glorot initialisation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <xtensor-blas/xlinalg.hpp>

#include "newsclf/base/error.hpp"
#include "newsclf/archs/mlp.hpp"

#include "network_support.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

constexpr std::size_t rows = 15, dim = 5;

MlpShape small_shape(std::size_t units, std::size_t layers, std::size_t max_len = 6) {
    MlpShape shape;
    shape.max_len = max_len;
    shape.hidden_units = units;
    shape.hidden_layers = layers;
    return shape;
}

// Glorot-initialised kernels and small random biases, so that bias gradients are exercised at
// non-zero values too.
std::vector<float> random_parameters(const MlpNetwork& network, std::uint64_t seed) {
    return newsclf::test::random_parameters(network, seed, -0.05, 0.2);
}

// The relu states of a forward pass: a difference step that changes them is shrunk or skipped.
std::vector<bool> active_units(const MlpNetwork::Workspace& ws) {
    std::vector<bool> pattern;
    for (const auto& a : ws.activations)
        for (float v : a) pattern.push_back(v > 0.0f);
    return pattern;
}

NumericGradient differences(const MlpNetwork& network, const std::vector<float>& params, const Headlines& data,
                            float dropout_rate = 0.0f) {
    return mean_loss_differences(network, params, data, 1e-2f, dropout_rate, active_units);
}

// The network written out with xtensor: pad, embed, flatten, then Dense layers on xt::linalg::dot.
xt::xtensor<double, 2> reference_probabilities(const Matrix& embedding, const MlpShape& shape, const std::vector<float>& params,
                                               const Headlines& data) {
    const std::size_t n = data.tokens.size(), fan_in = shape.max_len * dim;
    xt::xtensor<double, 2> x = xt::zeros<double>({n, fan_in});
    for (std::size_t b = 0; b < n; ++b) {
        const auto& t = data.tokens[b];
        const std::size_t kept = std::min(t.size(), shape.max_len);
        for (std::size_t j = 0; j < kept; ++j)
            for (std::size_t d = 0; d < dim; ++d)
                x(b, (shape.max_len - kept + j) * dim + d) = embedding(t[t.size() - kept + j], d);
    }
    std::size_t offset = 0;
    auto dense = [&](const xt::xtensor<double, 2>& in, std::size_t units, bool relu) {
        const std::size_t inputs = in.shape(1);
        xt::xtensor<double, 2> kernel = xt::zeros<double>({inputs, units});
        for (std::size_t i = 0; i < inputs * units; ++i) kernel.data()[i] = params[offset + i];
        offset += inputs * units;
        xt::xtensor<double, 2> out = xt::linalg::dot(in, kernel);
        for (std::size_t b = 0; b < out.shape(0); ++b)
            for (std::size_t u = 0; u < units; ++u) {
                out(b, u) += params[offset + u];
                if (relu) out(b, u) = std::max(out(b, u), 0.0);
            }
        offset += units;
        return out;
    };
    xt::xtensor<double, 2> a = dense(x, shape.hidden_units, true);
    for (std::size_t k = 1; k < shape.hidden_layers; ++k) a = dense(a, shape.hidden_units, true);
    xt::xtensor<double, 2> z = dense(a, shape.classes, false);
    REQUIRE(offset == params.size());
    for (std::size_t b = 0; b < n; ++b) {
        double m = z(b, 0), sum = 0;
        for (std::size_t c = 1; c < shape.classes; ++c) m = std::max(m, z(b, c));
        for (std::size_t c = 0; c < shape.classes; ++c) sum += (z(b, c) = std::exp(z(b, c) - m));
        for (std::size_t c = 0; c < shape.classes; ++c) z(b, c) /= sum;
    }
    return z;
}

}  // namespace

TEST_CASE("MlpNetwork gradients match central differences of the mean loss") {
    const Matrix embedding = random_embedding(rows, dim, 1);
    const Headlines data = mixed_headlines();
    struct Case {
        std::size_t units, layers;
    };
    for (Case shape_case : {Case{2, 1}, Case{3, 1}, Case{8, 1}, Case{2, 2}, Case{3, 2}, Case{4, 3}}) {
        const MlpShape shape = small_shape(shape_case.units, shape_case.layers);
        CAPTURE(shape.hidden_units);
        CAPTURE(shape.hidden_layers);
        MlpNetwork network(&embedding, shape);
        const std::vector<float> params = random_parameters(network, 40 + shape.hidden_units * 10 + shape.hidden_layers);
        MlpNetwork::Workspace ws;
        const TokenBatch batch = data.batch();
        network.forward(params.data(), batch, data.labels.data(), ws);
        std::vector<float> grads(network.parameter_count(), 0.0f);
        network.backward(params.data(), batch, data.labels.data(), data.labelled(), ws, grads.data());

        const NumericGradient numeric = differences(network, params, data);
        const GradientCheck good = compare_gradients(grads, numeric);
        INFO(good << " of " << grads.size());
        CHECK(good.failures == 0);
        CHECK(good.skipped * 20 < grads.size());
        CHECK(good.compared * 2 > grads.size());

        // The comparison is sharp enough to see a 5% error and the gradient of the summed loss.
        CHECK(compare_gradients(scaled(grads, 1.05f), numeric).failures > 0);
        CHECK(compare_gradients(scaled(grads, static_cast<float>(data.labelled())), numeric).failures > 0);

        check_backward_adds(network, params, data, ws, grads);
    }
}

TEST_CASE("MlpNetwork forward equals the explicit Keras computation") {
    const Matrix embedding = random_embedding(rows, dim, 2);
    const Headlines data = mixed_headlines();
    for (std::size_t layers : {1, 2}) {
        for (std::size_t units : {1, 2, 3, 8}) {
            CAPTURE(layers);
            CAPTURE(units);
            const MlpShape shape = small_shape(units, layers);
            MlpNetwork network(&embedding, shape);
            const std::vector<float> params = random_parameters(network, 7 * units + layers);
            MlpNetwork::Workspace ws;
            const double loss = network.forward(params.data(), data.batch(), data.labels.data(), ws);
            const auto expected = reference_probabilities(embedding, shape, params, data);
            const double expected_loss = check_probabilities(ws.probabilities, data, 4, expected);
            CHECK(loss == doctest::Approx(expected_loss).epsilon(1e-5));
            CHECK(network.forward(params.data(), data.batch(), nullptr, ws) == 0.0);
        }
    }
}

TEST_CASE("MlpNetwork lays its parameters out kernel, bias, layer after layer") {
    const Matrix embedding = random_embedding(rows, dim, 3);
    const MlpShape shape = small_shape(3, 2);
    MlpNetwork network(&embedding, shape);
    const auto blocks = network.parameter_blocks();
    REQUIRE(blocks.size() == 6);
    const std::vector<std::vector<std::size_t>> shapes = {{30, 3}, {3}, {3, 3}, {3}, {3, 4}, {4}};
    const std::vector<std::string> names = {"dense_0.kernel", "dense_0.bias", "dense_1.kernel",
                                            "dense_1.bias",   "dense_2.kernel", "dense_2.bias"};
    std::size_t offset = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        CHECK(blocks[i].name == names[i]);
        CHECK(blocks[i].shape == shapes[i]);
        CHECK(blocks[i].offset == offset);
        std::size_t size = 1;
        for (auto s : blocks[i].shape) size *= s;
        offset += size;
    }
    CHECK(network.parameter_count() == offset);
    CHECK(network.parameter_count() == 30 * 3 + 3 + 3 * 3 + 3 + 3 * 4 + 4);

    MlpShape workshop;  // Embedding(10000, 100) -> Dense(2) -> Dense(4): 20,014 trainable parameters
    Matrix glove = xt::zeros<float>({std::size_t(10), std::size_t(100)});
    CHECK(MlpNetwork(&glove, workshop).parameter_count() == 100 * 100 * 2 + 2 + 2 * 4 + 4);

    MlpShape none = shape;
    none.hidden_layers = 0;
    CHECK_THROWS_AS(MlpNetwork(&embedding, none), UsageError);
}

TEST_CASE("MlpNetwork initialises kernels Glorot-uniform and biases to zero") {
    const Matrix embedding = random_embedding(rows, dim, 4);
    const MlpShape shape = small_shape(4, 2, 20);
    MlpNetwork network(&embedding, shape);
    const std::vector<float> a = initialized(network, 99);
    CHECK(a == initialized(network, 99));
    CHECK(a != initialized(network, 100));
    for (const auto& block : network.parameter_blocks()) {
        CAPTURE(block.name);
        if (block.shape.size() == 1) {
            for (std::size_t i = 0; i < block.shape[0]; ++i) CHECK(a[block.offset + i] == 0.0f);
            continue;
        }
        const std::size_t fan_in = block.shape[0], fan_out = block.shape[1], n = fan_in * fan_out;
        const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
        double largest = 0, sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            largest = std::max(largest, std::fabs(static_cast<double>(a[block.offset + i])));
            sum += a[block.offset + i];
        }
        CHECK(largest <= limit);
        CHECK(largest > 0.5 * limit);
        if (n >= 100) {
            CHECK(largest > 0.95 * limit);
            CHECK(std::fabs(sum / static_cast<double>(n)) < 0.2 * limit);  // centred
        }
    }
    // The first kernel value comes from the first random(): (2u - 1) * limit.
    const double limit0 = std::sqrt(6.0 / (20.0 * dim + 4.0));
    PythonRandom first(99);
    CHECK(a[0] == static_cast<float>((2.0 * first.random() - 1.0) * limit0));
}

TEST_CASE("with dropout, gradients match central differences under the same masks") {
    const Matrix embedding = random_embedding(rows, dim, 2);
    const Headlines data = mixed_headlines();
    const float rate = 0.3f;
    for (std::size_t units : {3, 8}) {
        for (std::size_t layers : {1, 2}) {
            CAPTURE(units);
            CAPTURE(layers);
            MlpNetwork network(&embedding, small_shape(units, layers));
            const std::vector<float> params = random_parameters(network, 90 + units + layers);
            MlpNetwork::Workspace ws, plain;
            const TokenBatch batch = data.batch();
            forward_with(network, params.data(), data, ws, rate);
            forward_with(network, params.data(), data, plain, 0.0f);
            // Each hidden output is dropped or scaled by 1 / (1 - rate); some of both.
            REQUIRE(ws.masks.size() == layers);
            std::size_t dropped = 0, kept = 0;
            for (float m : ws.masks[0]) {
                CHECK((m == 0.0f || m == doctest::Approx(1.0f / (1.0f - rate))));
                (m == 0.0f ? dropped : kept) += 1;
            }
            CHECK(dropped > 0);
            CHECK(kept > dropped);
            for (std::size_t i = 0; i < ws.activations[0].size(); ++i)
                CHECK(ws.activations[0][i] == doctest::Approx(plain.activations[0][i] * ws.masks[0][i]));
            std::vector<float> grads(network.parameter_count(), 0.0f);
            network.backward(params.data(), batch, data.labels.data(), data.labelled(), ws, grads.data());
            const NumericGradient numeric = differences(network, params, data, rate);
            const GradientCheck c = compare_gradients(grads, numeric);
            INFO(c);
            CHECK(c.failures == 0);
            CHECK(c.compared * 3 > grads.size());
            // The gradient without the masks is not the gradient with them.
            std::vector<float> unmasked(network.parameter_count(), 0.0f);
            network.backward(params.data(), batch, data.labels.data(), data.labelled(), plain, unmasked.data());
            CHECK(compare_gradients(unmasked, numeric).failures > 0);
        }
    }
}
