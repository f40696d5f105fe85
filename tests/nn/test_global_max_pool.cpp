// GlobalMaxPooling1D over each sequence's windows and the padding-only row: the forward pass
// against the maximum written out, the backward pass against central finite differences.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/nn/conv1d.hpp"
#include "newsclf/nn/global_max_pool.hpp"
#include "newsclf/base/random.hpp"

using namespace newsclf;

namespace {

constexpr std::size_t columns = 5;

// Sequences: no window and no padding (impossible from Conv1D::plan, but defined), padding only,
// windows and padding, windows only.
SequenceWindows windows() {
    SequenceWindows w;
    auto add = [&](std::size_t count, bool padding) {
        SequenceWindows::Sequence q;
        q.window_begin = w.windows;
        q.window_count = count;
        q.padding_window = padding;
        w.sequences.push_back(q);
        w.windows += count;
    };
    add(0, false);
    add(0, true);
    add(3, true);
    add(4, false);
    add(1, false);
    add(2, true);
    return w;
}

std::vector<float> values(std::size_t n, std::uint64_t seed) {
    PythonRandom rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(2.0 * rng.random() - 1.0);
    return v;
}

double pooled_loss(const std::vector<float>& x, const std::vector<float>& padding, const SequenceWindows& w,
                   const std::vector<float>& g) {
    std::vector<float> out(w.sequences.size() * columns);
    std::vector<std::int32_t> at(out.size());
    global_max_pool_forward(x.data(), columns, w, padding.data(), out.data(), at.data());
    double sum = 0;
    for (std::size_t i = 0; i < out.size(); ++i) sum += static_cast<double>(g[i]) * out[i];
    return sum;
}

}  // namespace

TEST_CASE("global max pool takes each column's maximum over a sequence's windows and its padding row") {
    const SequenceWindows w = windows();
    const auto x = values(w.windows * columns, 1);
    const auto padding = values(columns, 2);
    std::vector<float> out(w.sequences.size() * columns);
    std::vector<std::int32_t> at(out.size());
    global_max_pool_forward(x.data(), columns, w, padding.data(), out.data(), at.data());
    for (std::size_t s = 0; s < w.sequences.size(); ++s) {
        const auto& q = w.sequences[s];
        for (std::size_t c = 0; c < columns; ++c) {
            CAPTURE(s);
            CAPTURE(c);
            float best = q.padding_window ? padding[c] : -INFINITY;
            std::int32_t where = q.padding_window ? pooled_padding : pooled_nothing;
            for (std::size_t r = q.window_begin; r < q.window_begin + q.window_count; ++r)
                if (x[r * columns + c] > best) best = x[r * columns + c], where = static_cast<std::int32_t>(r);
            if (where == pooled_nothing) best = 0.0f;
            CHECK(out[s * columns + c] == best);
            CHECK(at[s * columns + c] == where);
        }
    }
    // Some outputs come from the padding row, some from windows.
    CHECK(std::count(at.begin(), at.end(), pooled_padding) > 0);
    CHECK(std::count_if(at.begin(), at.end(), [](std::int32_t a) { return a >= 0; }) > 10);

    // Ties go to the padding row, then to the earlier window.
    std::vector<float> flat(w.windows * columns, 0.25f), level(columns, 0.25f);
    global_max_pool_forward(flat.data(), columns, w, level.data(), out.data(), at.data());
    CHECK(at[2 * columns] == pooled_padding);
    CHECK(at[3 * columns] == static_cast<std::int32_t>(w.sequences[3].window_begin));
}

TEST_CASE("global max pool backward matches central differences") {
    const SequenceWindows w = windows();
    // Distinct values on a grid of 0.01, shuffled: a step of 1e-4 moves no maximum.
    std::vector<float> grid((w.windows + 1) * columns);
    for (std::size_t i = 0; i < grid.size(); ++i) grid[i] = 0.01f * (static_cast<float>(i) - 30.0f);
    PythonRandom rng(3);
    rng.shuffle(grid);
    std::vector<float> x(grid.begin(), grid.begin() + static_cast<std::ptrdiff_t>(w.windows * columns));
    std::vector<float> padding(grid.end() - static_cast<std::ptrdiff_t>(columns), grid.end());
    const auto g = values(w.sequences.size() * columns, 5);
    std::vector<float> out(w.sequences.size() * columns);
    std::vector<std::int32_t> at(out.size());
    global_max_pool_forward(x.data(), columns, w, padding.data(), out.data(), at.data());
    std::vector<float> d_x(x.size(), 0.0f), d_padding(columns, 0.0f);
    global_max_pool_backward(g.data(), columns, w.sequences.size(), at.data(), d_x.data(), d_padding.data());
    const float h = 1e-4f;
    auto check = [&](std::vector<float>& v, const std::vector<float>& analytic) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            const float saved = v[i];
            v[i] = saved + h;
            const double up = pooled_loss(x, padding, w, g);
            v[i] = saved - h;
            const double down = pooled_loss(x, padding, w, g);
            v[i] = saved;
            CAPTURE(i);
            CHECK(analytic[i] == doctest::Approx((up - down) / (2.0 * h)).epsilon(1e-2).scale(1.0));
        }
    };
    check(x, d_x);
    check(padding, d_padding);
    // Only the winners get a gradient: as many non-zero entries as pooled outputs with a source.
    const auto sources = std::count_if(at.begin(), at.end(), [](std::int32_t a) { return a != pooled_nothing; });
    CHECK(std::count_if(d_x.begin(), d_x.end(), [](float d) { return d != 0.0f; }) +
              std::count_if(d_padding.begin(), d_padding.end(), [](float d) { return d != 0.0f; }) <= sources);
}
