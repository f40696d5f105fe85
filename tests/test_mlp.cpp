// MlpNetwork: its forward pass against the explicit Keras computation, its backward pass against
// central finite differences of the mean loss, the parameter layout and the Glorot initialisation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <xtensor-blas/xlinalg.hpp>

#include "newsclf/error.hpp"
#include "newsclf/models/mlp.hpp"

#include "test_support.hpp"

using namespace newsclf;
using newsclf::test::random_embedding;

namespace {

constexpr std::size_t rows = 15, dim = 5;

struct Headlines {
    std::vector<std::vector<std::uint32_t>> tokens = {
        {1, 2, 5},
        {4, 6, 7, 8, 10, 11, 12},  // longer than max_len 6
        {14, 13},
        {0, 3, 9},  // nothing but zero rows
        {2, 4, 6, 8, 10, 12},
        {11, 1, 14, 5, 7, 13, 2, 6, 3},
        {},
        {7},
    };
    std::vector<std::int8_t> labels = {0, 1, 2, 3, 1, -1, 2, 0};  // one unlabelled row
    std::size_t labelled() const { return static_cast<std::size_t>(std::count_if(labels.begin(), labels.end(), [](int l) { return l >= 0; })); }
    TokenBatch batch() const {
        TokenBatch b;
        for (const auto& t : tokens) b.push_back({t.data(), t.size()});
        return b;
    }
};

// Glorot-initialised kernels and small random biases, so that bias gradients are exercised at
// non-zero values too.
std::vector<float> random_parameters(const MlpNetwork& network, std::uint64_t seed) {
    std::vector<float> params(network.parameter_count());
    PythonRandom rng(seed);
    network.initialize(params.data(), rng);
    for (const auto& block : network.parameter_blocks())
        if (block.shape.size() == 1)
            for (std::size_t i = 0; i < block.shape[0]; ++i)
                params[block.offset + i] = static_cast<float>(0.2 * rng.random() - 0.05);
    return params;
}

std::vector<bool> active_units(const MlpNetwork::Workspace& ws) {
    std::vector<bool> pattern;
    for (const auto& a : ws.activations)
        for (float v : a) pattern.push_back(v > 0.0f);
    return pattern;
}

struct Comparison {
    std::size_t compared = 0, skipped = 0, failures = 0;
    double worst = 0;
};

// Central differences of the mean loss against the analytic gradient. A step that switches a
// relu on or off measures the kink, not the gradient: such a step is shrunk (to at most 1/64 of
// h), and an entry whose smallest step still crosses a kink is skipped and counted.
// An entry passes when |a - n| <= rtol * max(|a|, |n|) + atol, atol = 1e-4 of the largest entry.
// With a dropout rate, every forward pass draws the same masks (a generator seeded alike).
constexpr std::uint64_t mask_seed = 777;
double forward_with(const MlpNetwork& network, const float* params, const TokenBatch& batch, const Headlines& data,
                    MlpNetwork::Workspace& ws, float dropout_rate) {
    PythonRandom rng(mask_seed);
    const Dropout dropout{dropout_rate, &rng};
    return network.forward(params, batch, data.labels.data(), ws, dropout_rate > 0 ? &dropout : nullptr);
}

Comparison compare_with_differences(const MlpNetwork& network, std::vector<float> params, const Headlines& data,
                                    const std::vector<float>& analytic, float h, double rtol = 1e-2,
                                    float dropout_rate = 0.0f) {
    const TokenBatch batch = data.batch();
    const double count = static_cast<double>(data.labelled());
    MlpNetwork::Workspace ws;
    forward_with(network, params.data(), batch, data, ws, dropout_rate);
    const std::vector<bool> base = active_units(ws);
    std::vector<double> numeric(params.size());
    std::vector<bool> skip(params.size(), true);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const float saved = params[i];
        for (float step = h; step >= h / 64 && skip[i]; step /= 4) {
            const float up = saved + step, down = saved - step;
            params[i] = up;
            const double f_up = forward_with(network, params.data(), batch, data, ws, dropout_rate) / count;
            bool crossed = active_units(ws) != base;
            params[i] = down;
            const double f_down = forward_with(network, params.data(), batch, data, ws, dropout_rate) / count;
            crossed = crossed || active_units(ws) != base;
            numeric[i] = (f_up - f_down) / (static_cast<double>(up) - static_cast<double>(down));
            skip[i] = crossed;
        }
        params[i] = saved;
    }
    double largest = 0;
    for (double n : numeric) largest = std::max(largest, std::fabs(n));
    const double atol = 1e-4 * largest;
    Comparison c;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (skip[i]) {
            ++c.skipped;
            continue;
        }
        const double a = analytic[i], n = numeric[i];
        const double scale = std::max(std::fabs(a), std::fabs(n));
        if (scale > 100 * atol) ++c.compared;
        const double ratio = std::fabs(a - n) / (rtol * scale + atol);
        c.worst = std::max(c.worst, ratio);
        c.failures += ratio > 1.0;
    }
    return c;
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
    const Headlines data;
    struct Case {
        std::size_t units, layers;
    };
    for (Case shape_case : {Case{2, 1}, Case{3, 1}, Case{8, 1}, Case{2, 2}, Case{3, 2}, Case{4, 3}}) {
        MlpShape shape;
        shape.max_len = 6;
        shape.hidden_units = shape_case.units;
        shape.hidden_layers = shape_case.layers;
        CAPTURE(shape.hidden_units);
        CAPTURE(shape.hidden_layers);
        MlpNetwork network(&embedding, shape);
        const std::vector<float> params = random_parameters(network, 40 + shape.hidden_units * 10 + shape.hidden_layers);
        MlpNetwork::Workspace ws;
        const TokenBatch batch = data.batch();
        network.forward(params.data(), batch, data.labels.data(), ws);
        std::vector<float> grads(network.parameter_count(), 0.0f);
        network.backward(params.data(), batch, data.labels.data(), data.labelled(), ws, grads.data());

        Comparison good = compare_with_differences(network, params, data, grads, 1e-2f);
        INFO("compared " << good.compared << ", skipped " << good.skipped << " of " << grads.size() << ", worst ratio "
                         << good.worst);
        CHECK(good.failures == 0);
        CHECK(good.skipped * 20 < grads.size());
        CHECK(good.compared * 2 > grads.size());

        // The comparison is sharp enough to see a 5% error and the gradient of the summed loss.
        std::vector<float> scaled = grads;
        for (auto& g : scaled) g *= 1.05f;
        CHECK(compare_with_differences(network, params, data, scaled, 1e-2f).failures > 0);
        std::vector<float> summed = grads;
        for (auto& g : summed) g *= static_cast<float>(data.labelled());
        CHECK(compare_with_differences(network, params, data, summed, 1e-2f).failures > 0);

        // backward adds into the buffer
        std::vector<float> twice = grads;
        network.forward(params.data(), batch, data.labels.data(), ws);
        network.backward(params.data(), batch, data.labels.data(), data.labelled(), ws, twice.data());
        for (std::size_t i = 0; i < grads.size(); ++i) CHECK(twice[i] == doctest::Approx(2.0f * grads[i]).epsilon(1e-6));
    }
}

TEST_CASE("MlpNetwork forward equals the explicit Keras computation") {
    const Matrix embedding = random_embedding(rows, dim, 2);
    const Headlines data;
    for (std::size_t layers : {1, 2}) {
        for (std::size_t units : {1, 2, 3, 8}) {
            CAPTURE(layers);
            CAPTURE(units);
            MlpShape shape;
            shape.max_len = 6;
            shape.hidden_units = units;
            shape.hidden_layers = layers;
            MlpNetwork network(&embedding, shape);
            const std::vector<float> params = random_parameters(network, 7 * units + layers);
            MlpNetwork::Workspace ws;
            const double loss = network.forward(params.data(), data.batch(), data.labels.data(), ws);
            const auto expected = reference_probabilities(embedding, shape, params, data);
            double expected_loss = 0;
            for (std::size_t b = 0; b < data.tokens.size(); ++b) {
                double sum = 0;
                for (std::size_t c = 0; c < 4; ++c) {
                    CHECK(ws.probabilities[b * 4 + c] == doctest::Approx(expected(b, c)).epsilon(1e-5));
                    sum += ws.probabilities[b * 4 + c];
                }
                CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));
                if (data.labels[b] >= 0) expected_loss -= std::log(expected(b, static_cast<std::size_t>(data.labels[b])));
            }
            CHECK(loss == doctest::Approx(expected_loss).epsilon(1e-5));
            CHECK(network.forward(params.data(), data.batch(), nullptr, ws) == 0.0);
        }
    }
}

TEST_CASE("MlpNetwork lays its parameters out kernel, bias, layer after layer") {
    const Matrix embedding = random_embedding(rows, dim, 3);
    MlpShape shape;
    shape.max_len = 6;
    shape.hidden_units = 3;
    shape.hidden_layers = 2;
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
    MlpShape shape;
    shape.max_len = 20;
    shape.hidden_units = 4;
    shape.hidden_layers = 2;
    MlpNetwork network(&embedding, shape);
    std::vector<float> a(network.parameter_count(), 9.0f), b(a.size(), 9.0f), c(a.size(), 9.0f);
    PythonRandom ra(99), rb(99), rc(100);
    network.initialize(a.data(), ra);
    network.initialize(b.data(), rb);
    network.initialize(c.data(), rc);
    CHECK(a == b);
    CHECK(a != c);
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
    const Headlines data;
    const float rate = 0.3f;
    for (std::size_t units : {3, 8}) {
        for (std::size_t layers : {1, 2}) {
            MlpShape shape;
            shape.max_len = 6;
            shape.hidden_units = units;
            shape.hidden_layers = layers;
            CAPTURE(units);
            CAPTURE(layers);
            MlpNetwork network(&embedding, shape);
            const std::vector<float> params = random_parameters(network, 90 + units + layers);
            MlpNetwork::Workspace ws, plain;
            const TokenBatch batch = data.batch();
            forward_with(network, params.data(), batch, data, ws, rate);
            forward_with(network, params.data(), batch, data, plain, 0.0f);
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
            Comparison c = compare_with_differences(network, params, data, grads, 1e-2f, 1e-2, rate);
            INFO("compared " << c.compared << ", skipped " << c.skipped << ", worst ratio " << c.worst);
            CHECK(c.failures == 0);
            CHECK(c.compared * 3 > grads.size());
            // The gradient without the masks is not the gradient with them.
            std::vector<float> unmasked(network.parameter_count(), 0.0f);
            network.backward(params.data(), batch, data.labels.data(), data.labelled(), plain, unmasked.data());
            CHECK(compare_with_differences(network, params, data, unmasked, 1e-2f, 1e-2, rate).failures > 0);
        }
    }
}
