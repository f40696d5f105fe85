// The Lstm layer and the packed layout of its sequences: the layout's order and offsets, forward
// against the Keras equations written out, backward through time against central finite
// differences with every step's output used (return_sequences=True) and only the last one.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lstm_reference.hpp"
#include "newsclf/nn/lstm.hpp"
#include "newsclf/nn/packed_sequences.hpp"
#include "newsclf/base/random.hpp"

#include "gradient_check.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

// A packed batch: its layout and random inputs (entries x inputs).
struct Batch {
    PackedSequences packed;
    std::vector<float> x;
    Batch(const std::vector<std::size_t>& lengths, std::size_t inputs, PythonRandom& rng) {
        pack_lengths(lengths, packed);
        x = uniform_vector(rng, packed.entries() * inputs);
    }
    // The inputs of the batch's row `row`, step by step.
    Sequence sequence(std::size_t row, std::size_t inputs) const {
        const std::size_t slot = packed.slot_of_row[row];
        Sequence s;
        for (std::size_t t = 0; t < packed.lengths[slot]; ++t) {
            const float* e = x.data() + packed.entry(t, slot) * inputs;
            s.emplace_back(e, e + inputs);
        }
        return s;
    }
};

const std::vector<std::size_t> lengths = {3, 0, 5, 3, 1, 5, 2};

// The loss the checks differentiate: a fixed random weighting of the outputs, either of every
// step's h (return_sequences=True) or of each sequence's last h.
struct WeightedOutputs {
    bool every_step;
    std::vector<float> weights;
    double operator()(const Lstm& layer, const float* params, const Batch& b, Lstm::State& state) const {
        layer.forward(params, b.packed, b.x.data(), state);
        std::vector<float> out;
        if (every_step) {
            out = state.hidden;
        } else {
            out.resize(b.packed.slots() * layer.units());
            layer.last(b.packed, state, out.data());
        }
        return weighted_sum(out, weights);
    }
    // d loss / d hidden for backward.
    std::vector<float> d_hidden(const Lstm& layer, const Batch& b) const {
        std::vector<float> d(b.packed.entries() * layer.units());
        if (every_step) return weights;
        layer.scatter_last(b.packed, weights.data(), d.data());
        return d;
    }
};

}  // namespace

TEST_CASE("pack_lengths lays sequences out longest first, step by step") {
    PackedSequences p;
    pack_lengths({3, 0, 5, 3, 1}, p);
    CHECK(p.row_of_slot == std::vector<std::size_t>{2, 0, 3, 4, 1});  // stable among equal lengths
    CHECK(p.slot_of_row == std::vector<std::size_t>{1, 4, 0, 2, 3});
    CHECK(p.lengths == std::vector<std::size_t>{5, 3, 3, 1, 0});
    CHECK(p.steps() == 5);
    CHECK(p.step_offsets == std::vector<std::size_t>{0, 4, 7, 10, 11, 12});
    CHECK(p.entries() == 12);
    CHECK(p.active(0) == 4);
    CHECK(p.active(3) == 1);
    CHECK(p.entry(2, 1) == 8);

    pack_lengths({}, p);
    CHECK(p.entries() == 0);
    CHECK(p.steps() == 0);
    pack_lengths({0, 0}, p);
    CHECK(p.entries() == 0);
    CHECK(p.slots() == 2);

    const std::vector<std::uint32_t> long_one = {1, 2, 3, 4, 5, 6, 7}, short_one = {8};
    pack_tokens({{long_one.data(), long_one.size()}, {short_one.data(), short_one.size()}}, 4, p);
    CHECK(p.lengths == std::vector<std::size_t>{4, 1});
}

TEST_CASE("Lstm forward equals the Keras equations, sequence by sequence") {
    for (std::size_t units : {1, 3, 8}) {
        for (std::size_t inputs : {1, 4, 7}) {
            CAPTURE(units);
            CAPTURE(inputs);
            PythonRandom rng(10 * units + inputs);
            const Lstm layer(inputs, units);
            const std::vector<float> params = uniform_vector(rng, layer.parameter_count(), -0.8, 0.8);
            const Batch b(lengths, inputs, rng);
            Lstm::State state;
            layer.forward(params.data(), b.packed, b.x.data(), state);
            std::vector<float> last(lengths.size() * units);
            layer.last(b.packed, state, last.data());
            for (std::size_t row = 0; row < lengths.size(); ++row) {
                const Sequence expected = reference_lstm(params.data(), inputs, units, b.sequence(row, inputs));
                const std::size_t slot = b.packed.slot_of_row[row];
                REQUIRE(expected.size() == lengths[row]);
                for (std::size_t t = 0; t < expected.size(); ++t)
                    for (std::size_t u = 0; u < units; ++u)
                        CHECK(state.hidden[b.packed.entry(t, slot) * units + u] ==
                              doctest::Approx(expected[t][u]).epsilon(1e-5).scale(1.0));
                for (std::size_t u = 0; u < units; ++u)
                    CHECK(last[slot * units + u] ==
                          doctest::Approx(expected.empty() ? 0.0 : expected.back()[u]).epsilon(1e-5).scale(1.0));
            }
        }
    }
}

TEST_CASE("Lstm backward through time matches central differences") {
    for (bool every_step : {true, false}) {
        for (std::size_t units : {1, 3, 8}) {
            for (std::size_t inputs : {2, 5}) {
                CAPTURE(every_step);
                CAPTURE(units);
                CAPTURE(inputs);
                PythonRandom rng(100 * units + inputs + (every_step ? 7 : 0));
                const Lstm layer(inputs, units);
                std::vector<float> params = uniform_vector(rng, layer.parameter_count(), -0.8, 0.8);
                Batch b(lengths, inputs, rng);
                const std::size_t outputs = (every_step ? b.packed.entries() : b.packed.slots()) * units;
                const WeightedOutputs loss{every_step, uniform_vector(rng, outputs)};
                Lstm::State state;
                loss(layer, params.data(), b, state);
                std::vector<float> d_hidden = loss.d_hidden(layer, b);
                std::vector<float> grads(layer.parameter_count(), 0.5f), d_x(b.x.size(), 9.0f);
                layer.backward(params.data(), b.packed, b.x.data(), state, d_hidden.data(), grads.data(), d_x.data());
                for (auto& g : grads) g -= 0.5f;  // backward adds into grads

                const auto f = [&] { return loss(layer, params.data(), b, state); };
                const NumericGradient numeric_params = central_differences(params, 1e-2f, f);
                const NumericGradient numeric_x = central_differences(b.x, 1e-2f, f);
                const GradientCheck cp = compare_gradients(grads, numeric_params), cx = compare_gradients(d_x, numeric_x);
                INFO("params: " << cp << " of " << grads.size());
                INFO("inputs: " << cx << " of " << d_x.size());
                CHECK(cp.failures == 0);
                CHECK(cx.failures == 0);
                CHECK(cp.compared * 2 > grads.size());
                CHECK(cx.compared * 2 > d_x.size());

                // Sharp enough to see a 5% error, or a recurrent kernel gradient left out.
                CHECK(compare_gradients(scaled(grads, 1.05f), numeric_params).failures > 0);
                std::vector<float> no_recurrent = grads;
                std::fill(no_recurrent.begin() + static_cast<std::ptrdiff_t>(layer.recurrent_kernel_offset()),
                          no_recurrent.begin() + static_cast<std::ptrdiff_t>(layer.bias_offset()), 0.0f);
                CHECK(compare_gradients(no_recurrent, numeric_params).failures > 0);
            }
        }
    }
}

TEST_CASE("Lstm over a batch of empty sequences outputs zeros and no gradient") {
    const Lstm layer(3, 2);
    PythonRandom rng(5);
    const std::vector<float> params = uniform_vector(rng, layer.parameter_count());
    PackedSequences p;
    pack_lengths({0, 0, 0}, p);
    Lstm::State state;
    layer.forward(params.data(), p, nullptr, state);
    std::vector<float> last(6, 9.0f);
    layer.last(p, state, last.data());
    CHECK(last == std::vector<float>(6, 0.0f));
    std::vector<float> grads(layer.parameter_count(), 0.0f);
    layer.backward(params.data(), p, nullptr, state, nullptr, grads.data(), nullptr);
    CHECK(grads == std::vector<float>(layer.parameter_count(), 0.0f));
}
