// Conv1D over front-padded sequences: its windows against an explicit enumeration of Keras's
// padded rows, its forward pass against the convolution written out over the padded rows, both
// backward passes against central finite differences and against each other.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/nn/conv1d.hpp"
#include "newsclf/nn/global_max_pool.hpp"
#include "newsclf/base/random.hpp"

#include "gradient_check.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

struct Case {
    std::size_t inputs, filters, width, max_len;
    std::vector<std::size_t> lengths;
};

// Lengths around every boundary: empty, shorter than the kernel, padding shorter than the
// kernel, exactly max_len, and longer (cut).
const std::vector<Case> cases = {
    {3, 4, 3, 6, {0, 1, 2, 3, 4, 5, 6, 9}},
    {2, 5, 1, 4, {0, 1, 4, 2}},
    {4, 3, 2, 2, {2, 1, 0, 3}},
    {3, 2, 4, 7, {7, 6, 3, 5, 4}},
};

// A padded row's windows written out: (window start, token of each column or -1 for padding).
struct Window {
    std::vector<long> tokens;
};
std::vector<Window> keras_windows(std::size_t length, std::size_t max_len, std::size_t width) {
    const long kept = static_cast<long>(std::min(length, max_len)), padding = static_cast<long>(max_len) - kept;
    std::vector<Window> out;
    for (long start = 0; start + static_cast<long>(width) <= static_cast<long>(max_len); ++start) {
        Window w;
        for (long k = 0; k < static_cast<long>(width); ++k) {
            const long position = start + k;
            w.tokens.push_back(position < padding ? -1 : position - padding);
        }
        out.push_back(w);
    }
    return out;
}

// A case's layer planned over its lengths, with random inputs and parameters, in that order from
// rng, and the inputs gathered into the columns of the windows.
struct PlannedConv {
    Conv1D conv;
    SequenceWindows w;
    std::vector<float> x, params, columns;
    PlannedConv(const Case& c, PythonRandom& rng) : conv(c.inputs, c.filters, c.width) {
        conv.plan(c.lengths, c.max_len, w);
        x = uniform_vector(rng, w.tokens * c.inputs);
        params = uniform_vector(rng, conv.parameter_count());
        columns.resize(w.windows * conv.fan_in());
        conv.gather_columns(x.data(), w, columns.data());
    }
    std::vector<float> forward() const {
        std::vector<float> out(w.windows * conv.filters());
        conv.forward(params.data(), columns.data(), w.windows, out.data());
        return out;
    }
};

}  // namespace

TEST_CASE("Conv1D plans one window per padded window that holds a token, and notes padding-only ones") {
    for (const auto& c : cases) {
        Conv1D conv(c.inputs, c.filters, c.width);
        SequenceWindows w;
        conv.plan(c.lengths, c.max_len, w);
        REQUIRE(w.sequences.size() == c.lengths.size());
        std::size_t tokens = 0, windows = 0;
        for (std::size_t s = 0; s < c.lengths.size(); ++s) {
            CAPTURE(c.lengths[s]);
            CAPTURE(c.width);
            CAPTURE(c.max_len);
            const auto& q = w.sequences[s];
            const auto all = keras_windows(c.lengths[s], c.max_len, c.width);
            std::size_t with_token = 0, padding_only = 0;
            for (const auto& k : all) {
                const bool any = std::any_of(k.tokens.begin(), k.tokens.end(), [](long t) { return t >= 0; });
                if (!any) {
                    ++padding_only;
                    continue;
                }
                // Windows with a token end at consecutive tokens, from first_end on.
                CHECK(k.tokens.back() == static_cast<long>(q.first_end + with_token));
                ++with_token;
            }
            CHECK(q.length == std::min(c.lengths[s], c.max_len));
            CHECK(q.window_count == with_token);
            CHECK(q.padding_window == (padding_only > 0));
            CHECK(q.token_begin == tokens);
            CHECK(q.window_begin == windows);
            tokens += q.length;
            windows += q.window_count;
        }
        CHECK(w.tokens == tokens);
        CHECK(w.windows == windows);
    }
    Conv1D conv(2, 2, 3);
    SequenceWindows w;
    CHECK_THROWS_AS(conv.plan({1, 2}, 2, w), UsageError);
    CHECK_THROWS_AS(Conv1D(2, 0, 3), UsageError);
}

TEST_CASE("Conv1D forward equals the convolution over the padded rows") {
    PythonRandom rng(5);
    for (const auto& c : cases) {
        CAPTURE(c.width);
        const PlannedConv planned(c, rng);
        const auto& [conv, w, x, params, columns] = planned;
        const std::vector<float> out = planned.forward();
        for (std::size_t s = 0; s < c.lengths.size(); ++s) {
            const auto& q = w.sequences[s];
            std::size_t row = q.window_begin;
            for (const auto& k : keras_windows(c.lengths[s], c.max_len, c.width)) {
                const bool any = std::any_of(k.tokens.begin(), k.tokens.end(), [](long t) { return t >= 0; });
                for (std::size_t f = 0; f < c.filters; ++f) {
                    double expected = params[conv.kernel_size() + f];
                    for (std::size_t j = 0; j < c.width; ++j) {
                        if (k.tokens[j] < 0) continue;  // zero vectors
                        for (std::size_t d = 0; d < c.inputs; ++d)
                            expected += static_cast<double>(x[(q.token_begin + static_cast<std::size_t>(k.tokens[j])) * c.inputs + d]) *
                                        params[(j * c.inputs + d) * c.filters + f];
                    }
                    // A padding-only window gives the bias; the others are rows of out, in order.
                    const double got = any ? out[row * c.filters + f] : params[conv.kernel_size() + f];
                    CHECK(got == doctest::Approx(expected).epsilon(1e-5));
                }
                row += any;
            }
            CHECK(row == q.window_begin + q.window_count);
        }
    }
}

namespace {

// loss = sum(G . out) + sum(P . bias over the padding-only windows), linear in the parameters
// and in x: central differences are exact but for rounding.
struct LinearLoss {
    const Conv1D& conv;
    const SequenceWindows& w;
    std::vector<float> g, p;
    double operator()(const std::vector<float>& params, const std::vector<float>& x) const {
        std::vector<float> columns(w.windows * conv.fan_in()), out(w.windows * conv.filters());
        conv.gather_columns(x.data(), w, columns.data());
        conv.forward(params.data(), columns.data(), w.windows, out.data());
        double sum = weighted_sum(out, g);
        for (std::size_t f = 0; f < conv.filters(); ++f) sum += static_cast<double>(p[f]) * params[conv.kernel_size() + f];
        return sum;
    }
};

void check_against_differences(const std::vector<float>& analytic, std::vector<float> values,
                               const std::function<double(const std::vector<float>&)>& loss) {
    const float h = 1e-2f;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float saved = values[i];
        values[i] = saved + h;
        const double up = loss(values);
        values[i] = saved - h;
        const double down = loss(values);
        values[i] = saved;
        const double numeric = (up - down) / (2.0 * h);
        CAPTURE(i);
        CHECK(analytic[i] == doctest::Approx(numeric).epsilon(2e-3).scale(1.0));
    }
}

}  // namespace

TEST_CASE("Conv1D backward matches central differences, for the kernel, the bias and the input") {
    PythonRandom rng(11);
    for (const auto& c : cases) {
        CAPTURE(c.width);
        const PlannedConv planned(c, rng);
        const auto& [conv, w, x, params, columns] = planned;
        LinearLoss loss{conv, w, uniform_vector(rng, w.windows * c.filters), uniform_vector(rng, c.filters)};
        std::vector<float> d_columns(columns.size()), d_x(x.size(), 7.0f);
        std::vector<float> grads(params.size(), 0.0f);
        conv.backward(params.data(), columns.data(), loss.g.data(), loss.p.data(), w, grads.data(), d_columns.data(),
                      d_x.data());
        check_against_differences(grads, params, [&](const std::vector<float>& v) { return loss(v, planned.x); });
        check_against_differences(d_x, x, [&](const std::vector<float>& v) { return loss(planned.params, v); });
        // It adds into grads; without d_x it leaves the input gradient alone.
        std::vector<float> twice = grads;
        conv.backward(params.data(), columns.data(), loss.g.data(), loss.p.data(), w, twice.data(), d_columns.data(), nullptr);
        for (std::size_t i = 0; i < grads.size(); ++i) CHECK(twice[i] == doctest::Approx(2.0f * grads[i]));
    }
}

TEST_CASE("Conv1D backward_at equals backward on the gradient a global max pool passes back") {
    PythonRandom rng(13);
    for (const auto& c : cases) {
        CAPTURE(c.width);
        const PlannedConv planned(c, rng);
        const auto& [conv, w, x, params, columns] = planned;
        const std::vector<float> out = planned.forward();
        const std::size_t n = c.lengths.size();
        std::vector<float> pooled(n * c.filters);
        std::vector<std::int32_t> at(n * c.filters);
        global_max_pool_forward(out.data(), c.filters, w, params.data() + conv.kernel_size(), pooled.data(), at.data());
        auto d = uniform_vector(rng, n * c.filters);
        d[1] = 0.0f;  // a zero entry is skipped
        std::vector<float> d_out(out.size(), 0.0f), d_padding(c.filters, 0.0f);
        global_max_pool_backward(d.data(), c.filters, n, at.data(), d_out.data(), d_padding.data());

        std::vector<float> dense(params.size(), 0.5f), sparse(params.size(), 0.5f);
        std::vector<float> d_columns(columns.size()), dense_x(x.size()), sparse_x(x.size(), 3.0f);
        std::vector<float> scratch(c.filters * conv.fan_in());
        conv.backward(params.data(), columns.data(), d_out.data(), d_padding.data(), w, dense.data(), d_columns.data(),
                      dense_x.data());
        conv.backward_at(params.data(), columns.data(), d.data(), at.data(), w, sparse.data(), scratch.data(), sparse_x.data());
        for (std::size_t i = 0; i < dense.size(); ++i) CHECK(sparse[i] == doctest::Approx(dense[i]).epsilon(1e-5));
        for (std::size_t i = 0; i < dense_x.size(); ++i) CHECK(sparse_x[i] == doctest::Approx(dense_x[i]).epsilon(1e-5));
        std::vector<float> no_x(params.size(), 0.5f);
        conv.backward_at(params.data(), columns.data(), d.data(), at.data(), w, no_x.data(), scratch.data(), nullptr);
        CHECK(no_x == sparse);
    }
}
