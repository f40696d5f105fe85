// CnnNetwork: its forward pass against the Keras computation written out over the padded rows,
// its backward pass against central finite differences of the mean loss (frozen and trained
// embedding, with and without dropout), the parameter layout, the initialisation, and a trained
// embedding's sparse rows.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/archs/cnn.hpp"

#include "network_support.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

constexpr std::size_t rows = 15, dim = 4;

// Headlines around every boundary of max_len 6 and kernel_size 3: empty, shorter than the
// kernel, padding shorter than the kernel, exactly max_len, longer (cut); one unlabelled.
Headlines boundary_headlines() {
    return {{{1, 2, 5}, {4, 6, 7, 8, 10, 11, 12}, {14, 13}, {3, 9}, {2, 4, 6, 8, 10, 12}, {11, 1, 14, 5, 7}, {}, {7}, {5, 6, 13, 2}},
            {0, 1, 2, 3, 1, -1, 2, 0, 3}};
}

CnnShape small_shape(std::size_t filters = 5, std::size_t width = 3, std::size_t hidden = 4) {
    CnnShape s;
    s.max_len = 6;
    s.filters = filters;
    s.kernel_size = width;
    s.hidden_units = hidden;
    return s;
}

// Glorot kernels, small random biases (some negative, so that padding-only windows sometimes
// win the pool and sometimes are cut by the relu).
std::vector<float> random_parameters(const CnnNetwork& network, std::uint64_t seed) {
    return newsclf::test::random_parameters(network, seed, -0.2, 0.6);
}

// The discrete state of a forward pass: which window won each pool and which units are active.
std::vector<std::int64_t> pattern(const CnnNetwork::Workspace& ws) {
    std::vector<std::int64_t> p(ws.argmax.begin(), ws.argmax.end());
    for (float v : ws.pooled) p.push_back(v > 0.0f);
    for (float v : ws.hidden) p.push_back(v > 0.0f);
    return p;
}

// Central differences of the mean loss with steps of 4e-3, shrunk where they change the pattern.
NumericGradient differences(const CnnNetwork& network, const std::vector<float>& params, const Headlines& data, float rate) {
    return mean_loss_differences(network, params, data, 4e-3f, rate, pattern);
}

// The loss is a float computation: its rounding (about 1e-7) divided by the step is allowed on top.
constexpr Tolerance tolerance{1e-2, 1e-4, 1e-7};

// The network written out in double over Keras's padded rows: every valid window, padding ones
// included, relu, max, Dense(relu), Dense, softmax.
std::vector<double> reference_probabilities(const Matrix& embedding, const CnnShape& shape, const std::vector<float>& params,
                                            const Headlines& data) {
    const std::size_t width = shape.kernel_size, filters = shape.filters, hidden = shape.hidden_units;
    const float* kernel = params.data();
    const float* bias = kernel + width * dim * filters;
    const float* w1 = bias + filters;
    const float* b1 = w1 + filters * hidden;
    const float* w2 = b1 + hidden;
    const float* b2 = w2 + hidden * 4;
    std::vector<double> out;
    for (const auto& t : data.tokens) {
        std::vector<std::vector<double>> padded(shape.max_len, std::vector<double>(dim, 0.0));
        const std::size_t kept = std::min(t.size(), shape.max_len);
        for (std::size_t j = 0; j < kept; ++j)
            for (std::size_t d = 0; d < dim; ++d)
                padded[shape.max_len - kept + j][d] = embedding(t[t.size() - kept + j], d);
        std::vector<double> pooled(filters, -INFINITY);
        for (std::size_t start = 0; start + width <= shape.max_len; ++start)
            for (std::size_t f = 0; f < filters; ++f) {
                double z = bias[f];
                for (std::size_t k = 0; k < width; ++k)
                    for (std::size_t d = 0; d < dim; ++d) z += padded[start + k][d] * kernel[(k * dim + d) * filters + f];
                pooled[f] = std::max(pooled[f], std::max(z, 0.0));
            }
        std::vector<double> a(hidden);
        for (std::size_t u = 0; u < hidden; ++u) {
            double z = b1[u];
            for (std::size_t f = 0; f < filters; ++f) z += pooled[f] * w1[f * hidden + u];
            a[u] = std::max(z, 0.0);
        }
        double logits[4], m = -INFINITY, sum = 0;
        for (std::size_t c = 0; c < 4; ++c) {
            logits[c] = b2[c];
            for (std::size_t u = 0; u < hidden; ++u) logits[c] += a[u] * w2[u * 4 + c];
            m = std::max(m, logits[c]);
        }
        for (double& l : logits) sum += (l = std::exp(l - m));
        for (double l : logits) out.push_back(l / sum);
    }
    return out;
}

}  // namespace

TEST_CASE("CnnNetwork forward equals the Keras computation over the padded rows") {
    const Matrix embedding = random_embedding(rows, dim, 2);
    const Headlines data = boundary_headlines();
    for (std::size_t width : {1, 2, 3, 6}) {
        for (bool trained : {false, true}) {
            CAPTURE(width);
            CAPTURE(trained);
            const CnnShape shape = small_shape(6, width, 3);
            CnnNetwork network(&embedding, shape, trained);
            const std::vector<float> params = random_parameters(network, 7 * width + trained);
            CnnNetwork::Workspace ws;
            const double loss = network.forward(params.data(), data.batch(), data.labels.data(), ws);
            const auto expected = reference_probabilities(embedding, shape, params, data);
            double expected_loss = 0;
            for (std::size_t b = 0; b < data.tokens.size(); ++b) {
                for (std::size_t c = 0; c < 4; ++c) CHECK(ws.probabilities[b * 4 + c] == doctest::Approx(expected[b * 4 + c]).epsilon(1e-5));
                if (data.labels[b] >= 0) expected_loss -= std::log(expected[b * 4 + static_cast<std::size_t>(data.labels[b])]);
            }
            CHECK(loss == doctest::Approx(expected_loss).epsilon(1e-5));
            CHECK(network.forward(params.data(), data.batch(), nullptr, ws) == 0.0);
            // predict gives the same probabilities.
            std::vector<float> p(data.tokens.size() * 4);
            network.predict(params.data(), data.batch(), p.data());
            CHECK(p == ws.probabilities);
        }
    }
    // A trained embedding is read from the buffer, not from the matrix.
    CnnNetwork network(&embedding, small_shape(), true);
    std::vector<float> params = random_parameters(network, 3);
    const auto tail = network.sparse_rows();
    Matrix changed = embedding;
    for (std::size_t i = 0; i < rows * dim; ++i) params[tail.begin + i] = changed.data()[i] = 0.5f * changed.data()[i] + 0.1f;
    CnnNetwork::Workspace a, b;
    network.forward(params.data(), data.batch(), nullptr, a);
    CnnNetwork frozen(&changed, small_shape());
    params.resize(tail.begin);
    frozen.forward(params.data(), data.batch(), nullptr, b);
    for (std::size_t i = 0; i < a.probabilities.size(); ++i) CHECK(a.probabilities[i] == doctest::Approx(b.probabilities[i]).epsilon(1e-6));
}

TEST_CASE("CnnNetwork gradients match central differences of the mean loss") {
    const Matrix embedding = random_embedding(rows, dim, 1);
    const Headlines data = boundary_headlines();
    struct Case {
        std::size_t filters, width, hidden;
        bool trained;
        float rate;
    };
    for (Case k : {Case{5, 3, 4, false, 0.0f}, Case{3, 2, 6, false, 0.0f}, Case{4, 1, 3, true, 0.0f},
                   Case{5, 3, 4, true, 0.0f}, Case{4, 6, 5, true, 0.0f}, Case{5, 3, 4, false, 0.3f},
                   Case{6, 3, 5, true, 0.3f}}) {
        CAPTURE(k.filters);
        CAPTURE(k.width);
        CAPTURE(k.hidden);
        CAPTURE(k.trained);
        CAPTURE(k.rate);
        CnnNetwork network(&embedding, small_shape(k.filters, k.width, k.hidden), k.trained);
        const std::vector<float> params = random_parameters(network, 50 + k.filters * 10 + k.width + k.trained);
        CnnNetwork::Workspace ws;
        forward_with(network, params.data(), data, ws, k.rate);
        std::vector<float> grads(network.parameter_count(), 0.0f);
        network.backward(params.data(), data.batch(), data.labels.data(), data.labelled(), ws, grads.data());

        const NumericGradient numeric = differences(network, params, data, k.rate);
        const GradientCheck good = compare_gradients(grads, numeric, tolerance);
        INFO(good << " of " << grads.size());
        CHECK(good.failures == 0);
        CHECK(good.skipped * 10 < grads.size());
        CHECK(good.compared * 3 > network.sparse_rows().begin + (grads.size() - network.parameter_count()));

        // Sharp enough to see a 5% error.
        CHECK(compare_gradients(scaled(grads, 1.05f), numeric, tolerance).failures > 0);

        // A trained embedding's gradient lies in the rows of the batch's tokens, which it lists.
        if (k.trained) {
            std::set<std::uint32_t> ids;
            for (const auto& t : data.tokens)
                for (std::size_t j = t.size() > 6 ? t.size() - 6 : 0; j < t.size(); ++j) ids.insert(t[j]);
            CHECK(ws.touched_rows == std::vector<std::uint32_t>(ids.begin(), ids.end()));
            const auto tail = network.sparse_rows();
            for (std::size_t r = 0; r < rows; ++r)
                if (!ids.count(static_cast<std::uint32_t>(r)))
                    for (std::size_t d = 0; d < dim; ++d) CHECK(grads[tail.begin + r * dim + d] == 0.0f);
        } else {
            CHECK(ws.touched_rows.empty());
        }
    }
}

TEST_CASE("CnnNetwork with dropout: masks on the embedding's outputs and the hidden layer, from the generator") {
    const Matrix embedding = random_embedding(rows, dim, 4);
    const Headlines data = boundary_headlines();
    CnnNetwork network(&embedding, small_shape(8, 3, 50), false);
    const auto params = random_parameters(network, 9);
    CnnNetwork::Workspace ws, again, plain;
    const float rate = 0.3f;
    forward_with(network, params.data(), data, ws, rate);
    forward_with(network, params.data(), data, again, rate);
    forward_with(network, params.data(), data, plain, 0.0f);
    CHECK(ws.x_mask == again.x_mask);
    CHECK(plain.x_mask.empty());
    REQUIRE(ws.x_mask.size() == ws.x.size());
    REQUIRE(ws.hidden_mask.size() == ws.hidden.size());
    std::size_t dropped = 0;
    for (std::size_t i = 0; i < ws.x.size(); ++i) {
        CHECK((ws.x_mask[i] == 0.0f || ws.x_mask[i] == doctest::Approx(1.0f / (1.0f - rate))));
        dropped += ws.x_mask[i] == 0.0f;
        CHECK(ws.x[i] == doctest::Approx(plain.x[i] * ws.x_mask[i]));
    }
    for (float m : ws.hidden_mask) dropped += m == 0.0f;
    const double fraction = static_cast<double>(dropped) / static_cast<double>(ws.x.size() + ws.hidden.size());
    CHECK(fraction > 0.2);
    CHECK(fraction < 0.4);
    // Another generator state, other masks.
    PythonRandom other(mask_seed + 1);
    const Dropout d{rate, &other};
    CnnNetwork::Workspace third;
    network.forward(params.data(), data.batch(), data.labels.data(), third, &d);
    CHECK(third.x_mask != ws.x_mask);
}

TEST_CASE("CnnNetwork lays its parameters out conv, dense, dense, then a trained embedding") {
    const Matrix embedding = random_embedding(rows, dim, 3);
    const CnnShape shape = small_shape(5, 3, 4);
    for (bool trained : {false, true}) {
        CnnNetwork network(&embedding, shape, trained);
        const auto blocks = network.parameter_blocks();
        std::vector<std::string> names = {"conv1d.kernel", "conv1d.bias", "dense_0.kernel", "dense_0.bias", "dense_1.kernel", "dense_1.bias"};
        std::vector<std::vector<std::size_t>> shapes = {{3, dim, 5}, {5}, {5, 4}, {4}, {4, 4}, {4}};
        if (trained) {
            names.push_back("embedding");
            shapes.push_back({rows, dim});
        }
        REQUIRE(blocks.size() == names.size());
        std::size_t offset = 0;
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            CHECK(blocks[i].name == names[i]);
            CHECK(blocks[i].shape == shapes[i]);
            CHECK(blocks[i].offset == offset);
            CHECK(blocks[i].storage == Storage::f32);
            offset += blocks[i].size();
        }
        CHECK(network.parameter_count() == offset);
        const std::size_t layers = 3 * dim * 5 + 5 + 5 * 4 + 4 + 4 * 4 + 4;
        CHECK(network.sparse_rows().begin == (trained ? layers : 0));
        CHECK(network.sparse_rows().width == (trained ? dim : 0));
        CHECK(network.parameter_count() == layers + (trained ? rows * dim : 0));
    }
    // The lab's network: Conv1D(250, 3) over 100-d vectors, Dense(250), Dense(4).
    Matrix glove = xt::zeros<float>({std::size_t(10), std::size_t(100)});
    CHECK(CnnNetwork(&glove, CnnShape{}).parameter_count() == 3 * 100 * 250 + 250 + 250 * 250 + 250 + 250 * 4 + 4);

    CnnShape short_rows = shape;
    short_rows.max_len = 2;
    CHECK_THROWS_AS(CnnNetwork(&embedding, short_rows), UsageError);
}

TEST_CASE("CnnNetwork initialises kernels Glorot-uniform, biases to zero, a trained embedding to the matrix") {
    const Matrix embedding = random_embedding(rows, dim, 4);
    const CnnShape shape = small_shape(20, 3, 30);
    CnnNetwork network(&embedding, shape, true);
    const std::vector<float> a = initialized(network, 99);
    CHECK(a == initialized(network, 99));
    CHECK(a != initialized(network, 100));
    for (const auto& block : network.parameter_blocks()) {
        CAPTURE(block.name);
        if (block.name == "embedding") {
            for (std::size_t i = 0; i < block.size(); ++i) CHECK(a[block.offset + i] == embedding.data()[i]);
            continue;
        }
        if (block.shape.size() == 1) {
            for (std::size_t i = 0; i < block.shape[0]; ++i) CHECK(a[block.offset + i] == 0.0f);
            continue;
        }
        // Keras's fans: a Conv1D kernel (width, inputs, filters) has width * inputs in, width * filters out.
        const bool conv = block.shape.size() == 3;
        const std::size_t fan_in = conv ? block.shape[0] * block.shape[1] : block.shape[0];
        const std::size_t fan_out = conv ? block.shape[0] * block.shape[2] : block.shape[1];
        const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
        double largest = 0;
        for (std::size_t i = 0; i < block.size(); ++i) largest = std::max(largest, std::fabs(static_cast<double>(a[block.offset + i])));
        CHECK(largest <= limit);
        CHECK(largest > 0.9 * limit);
    }
}
