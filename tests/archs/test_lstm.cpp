// LstmNetwork: forward against the Keras equations written out, the gradients of the mean loss
// against central finite differences (with and without dropout), the parameter layout, Keras's
// initialisers, and the arch's entry in the table.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "lstm_reference.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/lstm.hpp"

#include "network_support.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

constexpr std::size_t rows = 15, dim = 5;

// The mixed headlines and one more, the same as another row.
Headlines lstm_headlines() {
    Headlines data = mixed_headlines();
    data.tokens.push_back({14, 13});
    data.labels.push_back(3);
    return data;
}

LstmShape small_shape(std::size_t units, std::size_t layers) {
    LstmShape shape;
    shape.max_len = 6;
    shape.units = units;
    shape.layers = layers;
    return shape;
}

// Keras's initialisation, then random biases, so that their gradients are exercised away from
// the initial values too.
std::vector<float> random_parameters(const LstmNetwork& network, std::uint64_t seed) {
    return newsclf::test::random_parameters(network, seed, -0.3, 0.6);
}

// Central differences of the mean loss with steps of 1e-2 (the network has no kinks); with a
// dropout rate, every forward pass draws the same masks.
NumericGradient differences(const LstmNetwork& network, const std::vector<float>& params, const Headlines& data,
                            float dropout_rate = 0.0f) {
    return mean_loss_differences(network, params, data, 1e-2f, dropout_rate);
}

// Entries above 10 atol count as compared.
constexpr Tolerance tolerance{1e-2, 1e-4, 0, 10};

// The network written out: each headline's last max_len tokens embedded, stacked LSTMs over
// them (reference_lstm), the last h through Dense and softmax. An empty headline's h is zeros.
std::vector<std::vector<double>> reference_probabilities(const Matrix& embedding, const LstmShape& shape,
                                                         const std::vector<float>& params, const Headlines& data) {
    std::vector<std::vector<double>> out;
    for (const auto& t : data.tokens) {
        const std::size_t kept = std::min(t.size(), shape.max_len);
        Sequence x;
        for (std::size_t j = t.size() - kept; j < t.size(); ++j) {
            std::vector<double> e(dim);
            for (std::size_t d = 0; d < dim; ++d) e[d] = embedding(t[j], d);
            x.push_back(e);
        }
        std::size_t offset = 0, inputs = dim;
        for (std::size_t k = 0; k < shape.layers; ++k) {
            x = reference_lstm(params.data() + offset, inputs, shape.units, x);
            offset += 4 * shape.units * (inputs + shape.units + 1);
            inputs = shape.units;
        }
        const std::vector<double> h = x.empty() ? std::vector<double>(shape.units, 0.0) : x.back();
        std::vector<double> z(shape.classes);
        for (std::size_t c = 0; c < shape.classes; ++c) {
            z[c] = params[offset + shape.units * shape.classes + c];
            for (std::size_t u = 0; u < shape.units; ++u) z[c] += h[u] * params[offset + u * shape.classes + c];
        }
        REQUIRE(offset + shape.units * shape.classes + shape.classes == params.size());
        const double m = *std::max_element(z.begin(), z.end());
        double sum = 0;
        for (auto& v : z) sum += (v = std::exp(v - m));
        for (auto& v : z) v /= sum;
        out.push_back(z);
    }
    return out;
}

}  // namespace

TEST_CASE("LstmNetwork forward equals the explicit Keras computation") {
    const Matrix embedding = random_embedding(rows, dim, 2);
    const Headlines data = lstm_headlines();
    for (std::size_t layers : {1, 2, 3}) {
        for (std::size_t units : {1, 3, 8}) {
            CAPTURE(layers);
            CAPTURE(units);
            const LstmShape shape = small_shape(units, layers);
            LstmNetwork network(&embedding, shape);
            const std::vector<float> params = random_parameters(network, 7 * units + layers);
            LstmNetwork::Workspace ws;
            const double loss = network.forward(params.data(), data.batch(), data.labels.data(), ws);
            const auto expected = reference_probabilities(embedding, shape, params, data);
            const double expected_loss = check_probabilities(
                ws.probabilities, data, 4, [&](std::size_t b, std::size_t c) { return expected[b][c]; });
            CHECK(loss == doctest::Approx(expected_loss).epsilon(1e-5));
            CHECK(network.forward(params.data(), data.batch(), nullptr, ws) == 0.0);
        }
    }
}

TEST_CASE("LstmNetwork gives each headline the same probabilities in any batch") {
    const Matrix embedding = random_embedding(rows, dim, 3);
    const Headlines data = lstm_headlines();
    LstmNetwork network(&embedding, small_shape(4, 2));
    const std::vector<float> params = random_parameters(network, 11);
    const TokenBatch batch = data.batch();
    std::vector<float> all(batch.size() * 4), one(4);
    network.predict(params.data(), batch, all.data());
    for (std::size_t b = 0; b < batch.size(); ++b) {
        network.predict(params.data(), {batch[b]}, one.data());
        for (std::size_t c = 0; c < 4; ++c) CHECK(one[c] == doctest::Approx(all[b * 4 + c]).epsilon(1e-6));
    }
    // Only the last max_len tokens count; padding is not run over, so a headline's own tokens decide.
    const std::vector<std::uint32_t> longer = {3, 9, 4, 6, 7, 8, 10, 11, 12};
    network.predict(params.data(), {{longer.data(), longer.size()}}, one.data());
    for (std::size_t c = 0; c < 4; ++c) CHECK(one[c] == doctest::Approx(all[1 * 4 + c]).epsilon(1e-6));
}

TEST_CASE("LstmNetwork gradients match central differences of the mean loss") {
    const Matrix embedding = random_embedding(rows, dim, 1);
    const Headlines data = lstm_headlines();
    struct Case {
        std::size_t units, layers;
    };
    for (Case c : {Case{1, 1}, Case{3, 1}, Case{2, 2}, Case{4, 3}}) {
        CAPTURE(c.units);
        CAPTURE(c.layers);
        LstmNetwork network(&embedding, small_shape(c.units, c.layers));
        const std::vector<float> params = random_parameters(network, 40 + c.units * 10 + c.layers);
        LstmNetwork::Workspace ws;
        const TokenBatch batch = data.batch();
        network.forward(params.data(), batch, data.labels.data(), ws);
        std::vector<float> grads(network.parameter_count(), 0.0f);
        network.backward(params.data(), batch, data.labels.data(), data.labelled(), ws, grads.data());

        const NumericGradient numeric = differences(network, params, data);
        const GradientCheck good = compare_gradients(grads, numeric, tolerance);
        INFO(good << " of " << grads.size());
        CHECK(good.failures == 0);
        CHECK(good.compared * 2 > grads.size());

        // Sharp enough to see a 5% error and the gradient of the summed loss.
        CHECK(compare_gradients(scaled(grads, 1.05f), numeric, tolerance).failures > 0);
        CHECK(compare_gradients(scaled(grads, static_cast<float>(data.labelled())), numeric, tolerance).failures > 0);

        check_backward_adds(network, params, data, ws, grads);
    }
}

TEST_CASE("with dropout on the embedded input, gradients match central differences under the same masks") {
    const Matrix embedding = random_embedding(rows, dim, 2);
    const Headlines data = lstm_headlines();
    const float rate = 0.3f;
    for (std::size_t layers : {1, 2}) {
        CAPTURE(layers);
        LstmNetwork network(&embedding, small_shape(3, layers));
        const std::vector<float> params = random_parameters(network, 90 + layers);
        LstmNetwork::Workspace ws, plain;
        forward_with(network, params.data(), data, ws, rate);
        forward_with(network, params.data(), data, plain, 0.0f);
        // Each input value is dropped or scaled by 1 / (1 - rate); some of both.
        std::size_t dropped = 0, kept = 0;
        for (std::size_t i = 0; i < ws.input.size(); ++i) {
            if (plain.input[i] == 0.0f) continue;
            if (ws.input[i] == 0.0f) {
                ++dropped;
            } else {
                ++kept;
                CHECK(ws.input[i] == doctest::Approx(plain.input[i] / (1.0f - rate)));
            }
        }
        CHECK(dropped > 0);
        CHECK(kept > dropped);
        std::vector<float> grads(network.parameter_count(), 0.0f);
        network.backward(params.data(), data.batch(), data.labels.data(), data.labelled(), ws, grads.data());
        const NumericGradient numeric = differences(network, params, data, rate);
        const GradientCheck c = compare_gradients(grads, numeric, tolerance);
        INFO(c);
        CHECK(c.failures == 0);
        CHECK(c.compared * 2 > grads.size());
        // The gradient without the masks is not the gradient with them.
        std::vector<float> unmasked(network.parameter_count(), 0.0f);
        network.backward(params.data(), data.batch(), data.labels.data(), data.labelled(), plain, unmasked.data());
        CHECK(compare_gradients(unmasked, numeric, tolerance).failures > 0);
    }
}

TEST_CASE("with a trainable embedding, the word vectors' gradients match central differences too") {
    const Matrix embedding = random_embedding(rows, dim, 6);
    const Headlines data = lstm_headlines();
    for (float rate : {0.0f, 0.3f}) {
        CAPTURE(rate);
        LstmShape shape = small_shape(3, 2);
        shape.train_embedding = true;
        LstmNetwork network(&embedding, shape);
        const auto blocks = network.parameter_blocks();
        REQUIRE(blocks.back().name == "embedding.change");
        CHECK(blocks.back().shape == std::vector<std::size_t>{rows, dim});
        CHECK(blocks.back().storage == Storage::f16);
        std::vector<float> params = random_parameters(network, 120);
        const std::size_t change = blocks.back().offset;
        for (std::size_t i = change; i < params.size(); ++i) CHECK(params[i] == 0.0f);  // starts at the -e vectors
        // A change moves the words it belongs to: the network sees embedding + change.
        PythonRandom rng(3);
        for (std::size_t i = change + dim; i < params.size(); ++i) params[i] = static_cast<float>(0.4 * rng.random() - 0.2);
        LstmNetwork::Workspace ws;
        forward_with(network, params.data(), data, ws, rate);
        std::vector<float> grads(network.parameter_count(), 0.0f);
        network.backward(params.data(), data.batch(), data.labels.data(), data.labelled(), ws, grads.data());
        const NumericGradient numeric = differences(network, params, data, rate);
        const GradientCheck c = compare_gradients(grads, numeric, tolerance);
        INFO(c << " of " << grads.size());
        CHECK(c.failures == 0);
        CHECK(c.compared * 2 > grads.size());
        // Row 0 (padding) gets no gradient and stays zero.
        for (std::size_t d = 0; d < dim; ++d) CHECK(grads[change + d] == 0.0f);
        CHECK(compare_gradients(scaled(grads, 1.05f, change), numeric, tolerance).failures > 0);

        // The same as a frozen network over the changed vectors.
        Matrix moved = embedding;
        for (std::size_t i = 0; i < rows * dim; ++i) moved.data()[i] += params[change + i];
        LstmNetwork frozen(&moved, small_shape(3, 2));
        std::vector<float> frozen_params(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(change));
        std::vector<float> a(data.tokens.size() * 4), b(a.size());
        network.predict(params.data(), data.batch(), a.data());
        frozen.predict(frozen_params.data(), data.batch(), b.data());
        for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-6));
    }
}

TEST_CASE("LstmNetwork lays its parameters out layer by layer, as Keras counts them") {
    const Matrix embedding = random_embedding(rows, dim, 3);
    LstmNetwork network(&embedding, small_shape(3, 2));
    const auto blocks = network.parameter_blocks();
    REQUIRE(blocks.size() == 8);
    const std::vector<std::string> names = {"lstm_0.kernel", "lstm_0.recurrent_kernel", "lstm_0.bias",
                                            "lstm_1.kernel", "lstm_1.recurrent_kernel", "lstm_1.bias",
                                            "dense.kernel",  "dense.bias"};
    const std::vector<std::vector<std::size_t>> shapes = {{5, 12}, {3, 12}, {12}, {3, 12}, {3, 12}, {12}, {3, 4}, {4}};
    std::size_t offset = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        CHECK(blocks[i].name == names[i]);
        CHECK(blocks[i].shape == shapes[i]);
        CHECK(blocks[i].offset == offset);
        offset += blocks[i].size();
    }
    CHECK(network.parameter_count() == offset);

    // The workshop's LSTM network on GloVe-100: Keras's summary counts 17,024 + 8,320 + 8,320 + 132.
    Matrix glove = xt::zeros<float>({std::size_t(10), std::size_t(100)});
    CHECK(LstmNetwork(&glove, LstmShape{}).parameter_count() == 17024 + 8320 + 8320 + 132);

    LstmShape none = small_shape(3, 0);
    CHECK_THROWS_AS(LstmNetwork(&embedding, none), UsageError);
}

TEST_CASE("LstmNetwork initialises as Keras: Glorot kernels, orthogonal recurrent kernels, forget bias 1") {
    const Matrix embedding = random_embedding(rows, dim, 4);
    const std::size_t U = 6;
    LstmNetwork network(&embedding, small_shape(U, 2));
    const std::vector<float> a = initialized(network, 99);
    CHECK(a == initialized(network, 99));
    CHECK(a != initialized(network, 100));
    for (const auto& block : network.parameter_blocks()) {
        CAPTURE(block.name);
        const float* p = a.data() + block.offset;
        if (block.shape.size() == 1) {
            const bool lstm = block.name != "dense.bias";
            for (std::size_t i = 0; i < block.shape[0]; ++i)
                CHECK(p[i] == (lstm && i >= U && i < 2 * U ? 1.0f : 0.0f));
        } else if (block.name.find("recurrent") != std::string::npos) {
            // U x 4U with orthonormal rows: R R^T = I.
            for (std::size_t i = 0; i < U; ++i)
                for (std::size_t j = 0; j < U; ++j) {
                    double dot = 0;
                    for (std::size_t k = 0; k < 4 * U; ++k) dot += static_cast<double>(p[i * 4 * U + k]) * p[j * 4 * U + k];
                    CHECK(dot == doctest::Approx(i == j ? 1.0 : 0.0).scale(1.0).epsilon(1e-5));
                }
        } else {
            const std::size_t fan_in = block.shape[0], fan_out = block.shape[1];
            const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
            double largest = 0;
            for (std::size_t i = 0; i < fan_in * fan_out; ++i) largest = std::max(largest, std::fabs(static_cast<double>(p[i])));
            CHECK(largest <= limit);
            CHECK(largest > 0.5 * limit);
        }
    }
}

TEST_CASE("the lstm arch: its defaults over the table's, and a network for its models") {
    const Architecture& arch = architecture("lstm");
    CHECK(arch.needs_pretrained);
    const FitOptions o = fit_options({{"arch", "lstm"}});
    CHECK(o.hidden_units == 32);
    CHECK(o.hidden_layers == 3);
    CHECK(o.dropout == 0.3);
    CHECK(o.batch_size == 512);
    CHECK(o.train_embedding == 1);
    CHECK(o.max_words == 0);
    const FitOptions given = fit_options({{"arch", "lstm"}, {"hidden_units", "8"}});
    CHECK(given.hidden_units == 8);

    Model m;
    m.options = fit_options({{"arch", "lstm"}, {"train_embedding", "0"}});
    m.embedding = random_embedding(rows, dim, 5);
    const std::size_t lstm_and_dense = 4 * 32 * (dim + 32 + 1) + 2 * 4 * 32 * (32 + 32 + 1) + 32 * 4 + 4;
    CHECK(arch.network(m)->parameter_count() == lstm_and_dense);
    m.options = o;
    CHECK(arch.network(m)->parameter_count() == lstm_and_dense + rows * dim);
}
