// The dual coordinate descent against a problem solved by hand, a brute-force minimum where the
// primal's finite differences vanish, and one-vs-rest the same whatever the threads; CoCoA+ over
// two ranks in two threads at one rank's optimum.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/nn/linear_solver.hpp"
#include "two_ranks.hpp"

using namespace newsclf;

namespace {

SparseMatrix dense_rows(const std::vector<std::vector<float>>& rows) {
    SparseMatrix x;
    for (const auto& row : rows) {
        for (std::size_t j = 0; j < row.size(); ++j)
            if (row[j] != 0) x.entries.push_back({static_cast<std::uint32_t>(j), row[j]});
        x.offsets.push_back(x.entries.size());
    }
    return x;
}

// A small problem in two features that no line separates: each side has a point on the other's.
struct Problem {
    SparseMatrix x = dense_rows({{1.0f, 0.0f}, {0.8f, 0.3f}, {0.6f, 0.6f}, {0.0f, 1.0f}, {0.2f, 0.9f}, {0.55f, 0.5f}, {0.7f, 0.65f}});
    std::vector<std::int8_t> y = {1, 1, 1, -1, -1, -1, 1};
};

SolverSettings tight(LinearLoss loss, double c) {
    SolverSettings s;
    s.loss = loss;
    s.c = c;
    s.tolerance = 1e-6;
    s.max_passes = 100000;
    s.seed = 5;
    return s;
}

double objective(const Problem& p, double w0, double w1, double b, LinearLoss loss, double c) {
    return primal_objective(p.x, p.y, {static_cast<float>(w0), static_cast<float>(w1)}, b, loss, c);
}

// The primal's minimum by brute force: a grid over (w0, w1, b), then finer grids around the best.
std::vector<double> brute_force_minimum(const Problem& p, LinearLoss loss, double c) {
    auto f = [&](double w0, double w1, double b) {
        double sum = 0.5 * (w0 * w0 + w1 * w1 + b * b);
        for (std::size_t i = 0; i < p.y.size(); ++i) {
            double dot = b;
            for (std::uint64_t k = p.x.offsets[i]; k < p.x.offsets[i + 1]; ++k)
                dot += (p.x.entries[k].index == 0 ? w0 : w1) * p.x.entries[k].value;
            const double m = p.y[i] * dot;
            sum += c * (loss == LinearLoss::squared_hinge ? std::pow(std::max(0.0, 1 - m), 2) : std::log1p(std::exp(-m)));
        }
        return sum;
    };
    std::vector<double> best = {0, 0, 0};
    double step = 0.05, span = 60;
    double best_value = f(0, 0, 0);
    for (int round = 0; round < 7; ++round) {
        const std::vector<double> centre = best;
        for (double i = -span; i <= span; ++i)
            for (double j = -span; j <= span; ++j)
                for (double k = -span; k <= span; ++k) {
                    const double v = f(centre[0] + i * step, centre[1] + j * step, centre[2] + k * step);
                    if (v < best_value) {
                        best_value = v;
                        best = {centre[0] + i * step, centre[1] + j * step, centre[2] + k * step};
                    }
                }
        step /= 10;
        span = 20;
    }
    return best;
}

}  // namespace

TEST_CASE("the solver finds the optimum of a problem solved by hand") {
    // x = +1 (y = +1) and x = -1 (y = -1): by symmetry b = 0, and the primal's derivative in w
    // is w - 4c(1 - w) for the squared hinge, w - 2c / (1 + e^w) for the logistic loss.
    const SparseMatrix x = dense_rows({{1.0f}, {-1.0f}});
    const std::vector<std::int8_t> y = {1, -1};
    for (double c : {0.1, 1.0, 3.0}) {
        CAPTURE(c);
        BinarySolution s = solve_binary(x, 1, y, tight(LinearLoss::squared_hinge, c));
        CHECK(s.converged);
        CHECK(s.weights[0] == doctest::Approx(4 * c / (1 + 4 * c)).epsilon(1e-5));
        CHECK(std::fabs(s.bias) < 1e-5);
        s = solve_binary(x, 1, y, tight(LinearLoss::logistic, c));
        CHECK(s.converged);
        double lo = 0, hi = 2 * c;  // w - 2c / (1 + e^w) grows with w
        for (int i = 0; i < 100; ++i) ((lo + hi) / 2 - 2 * c / (1 + std::exp((lo + hi) / 2)) > 0 ? hi : lo) = (lo + hi) / 2;
        CHECK(s.weights[0] == doctest::Approx(lo).epsilon(1e-5));
        CHECK(std::fabs(s.bias) < 1e-5);
    }
}

TEST_CASE("the solver matches a brute-force minimum, where the primal's finite differences vanish") {
    const Problem p;
    for (LinearLoss loss : {LinearLoss::squared_hinge, LinearLoss::logistic}) {
        for (double c : {0.5, 2.0}) {
            CAPTURE(static_cast<int>(loss));
            CAPTURE(c);
            const BinarySolution s = solve_binary(p.x, 2, p.y, tight(loss, c));
            CHECK(s.converged);
            const std::vector<double> best = brute_force_minimum(p, loss, c);
            CHECK(s.weights[0] == doctest::Approx(best[0]).epsilon(1e-4));
            CHECK(s.weights[1] == doctest::Approx(best[1]).epsilon(1e-4));
            CHECK(s.bias == doctest::Approx(best[2]).epsilon(1e-4));
            const double at_solution = objective(p, s.weights[0], s.weights[1], s.bias, loss, c);
            CHECK(at_solution <= objective(p, best[0], best[1], best[2], loss, c) + 1e-6);
            // Central differences of the primal at the solution: its gradient is 0 there.
            const double h = 1e-3;
            std::vector<double> point = {s.weights[0], s.weights[1], s.bias};
            for (std::size_t i = 0; i < 3; ++i) {
                std::vector<double> up = point, down = point;
                up[i] += h;
                down[i] -= h;
                const double slope = (objective(p, up[0], up[1], up[2], loss, c) - objective(p, down[0], down[1], down[2], loss, c)) / (2 * h);
                CHECK(std::fabs(slope) < 1e-3);
            }
            // A pass limit stops it early and says so.
            SolverSettings one = tight(loss, c);
            one.max_passes = 1;
            const BinarySolution early = solve_binary(p.x, 2, p.y, one);
            CHECK(early.passes == 1);
            CHECK_FALSE(early.converged);
            CHECK(objective(p, early.weights[0], early.weights[1], early.bias, loss, c) >= at_solution - 1e-9);
        }
    }
    CHECK_THROWS_AS(solve_binary(p.x, 1, p.y, tight(LinearLoss::squared_hinge, 1)), Error);  // feature 1 beyond the weights
    CHECK_THROWS_AS(solve_binary(p.x, 2, {1, -1}, tight(LinearLoss::squared_hinge, 1)), Error);
}

namespace {

// Rows of 4 classes, class c strongest on feature c, with some overlap.
void overlapping_classes(std::vector<std::vector<float>>& dense, std::vector<std::int8_t>& labels) {
    PythonRandom rng(3);
    for (int i = 0; i < 200; ++i) {
        const int label = i % 4;
        std::vector<float> row(6, 0.0f);
        row[label] = 1.0f;
        row[4 + rng.randbelow(2)] = static_cast<float>(rng.random());
        row[rng.randbelow(4)] += 0.5f;
        dense.push_back(row);
        labels.push_back(static_cast<std::int8_t>(label));
    }
}

}  // namespace

TEST_CASE("one-vs-rest: each class's problem as if alone, the same whatever the threads") {
    std::vector<std::vector<float>> dense;
    std::vector<std::int8_t> labels;
    overlapping_classes(dense, labels);
    const SparseMatrix x = dense_rows(dense);
    for (LinearLoss loss : {LinearLoss::squared_hinge, LinearLoss::logistic}) {
        SolverSettings s = tight(loss, 1.0);
        s.tolerance = loss == LinearLoss::squared_hinge ? 1e-6 : 1e-4;
        const auto one = solve_one_vs_rest(x, 6, labels, 4, s, 1);
        const auto two = solve_one_vs_rest(x, 6, labels, 4, s, 2);
        const auto three = solve_one_vs_rest(x, 6, labels, 4, s, 3);
        REQUIRE(one.size() == 4);
        for (std::size_t c = 0; c < 4; ++c) {
            CAPTURE(c);
            CHECK(one[c].weights == two[c].weights);
            CHECK(one[c].weights == three[c].weights);
            CHECK(one[c].bias == two[c].bias);
            std::vector<std::int8_t> y(labels.size());
            for (std::size_t i = 0; i < y.size(); ++i) y[i] = labels[i] == static_cast<std::int8_t>(c) ? 1 : -1;
            const BinarySolution alone = solve_binary(x, 6, y, s);
            CHECK(one[c].converged);
            CHECK(primal_objective(x, y, one[c].weights, one[c].bias, loss, 1.0) ==
                  doctest::Approx(primal_objective(x, y, alone.weights, alone.bias, loss, 1.0)).epsilon(1e-5));
            for (std::size_t j = 0; j < 6; ++j) CHECK(one[c].weights[j] == doctest::Approx(alone.weights[j]).epsilon(1e-3));
        }
    }
}

TEST_CASE("one-vs-rest by CoCoA+ on two ranks: the same weights on both, one rank's optimum") {
    std::vector<std::vector<float>> dense;
    std::vector<std::int8_t> labels;
    overlapping_classes(dense, labels);
    const SparseMatrix x = dense_rows(dense);
    const SolverSettings s = tight(LinearLoss::squared_hinge, 1.0);
    const auto one = solve_one_vs_rest(x, 6, labels, 4, s, 1);
    // Rank r's shard: rows i with i mod 2 == r.
    SparseMatrix shards[2];
    std::vector<std::int8_t> shard_labels[2];
    for (std::size_t r = 0; r < 2; ++r) {
        std::vector<std::vector<float>> rows;
        for (std::size_t i = r; i < dense.size(); i += 2) {
            rows.push_back(dense[i]);
            shard_labels[r].push_back(labels[i]);
        }
        shards[r] = dense_rows(rows);
    }
    test::TwoRanks shared;
    std::vector<BinarySolution> two[2];
    run_workers(2, [&](std::size_t r) {
        RankReductions ranks;
        ranks.rank = r;
        ranks.ranks = 2;
        ranks.sum = [&, r](float* data, std::size_t n) { shared.reduce(r, data, n, [](float a, float b) { return a + b; }); };
        ranks.max = [&, r](double* data, std::size_t n) {
            shared.reduce(r, data, n, [](double a, double b) { return std::max(a, b); });
        };
        two[r] = solve_one_vs_rest_cocoa(shards[r], 6, shard_labels[r], 4, s, ranks);
    });
    REQUIRE(two[0].size() == 4);
    for (std::size_t c = 0; c < 4; ++c) {
        CAPTURE(c);
        CHECK(two[0][c].weights == two[1][c].weights);
        CHECK(two[0][c].bias == two[1][c].bias);
        CHECK(two[0][c].passes == two[1][c].passes);
        CHECK(two[0][c].converged);
        std::vector<std::int8_t> y(labels.size());
        for (std::size_t i = 0; i < y.size(); ++i) y[i] = labels[i] == static_cast<std::int8_t>(c) ? 1 : -1;
        CHECK(primal_objective(x, y, two[0][c].weights, two[0][c].bias, s.loss, 1.0) ==
              doctest::Approx(primal_objective(x, y, one[c].weights, one[c].bias, s.loss, 1.0)).epsilon(1e-5));
        for (std::size_t j = 0; j < 6; ++j) CHECK(two[0][c].weights[j] == doctest::Approx(one[c].weights[j]).epsilon(1e-3));
    }

    // One rank, reductions that change nothing: coordinate descent without shrinking, the same optimum.
    RankReductions alone;
    alone.sum = [](float*, std::size_t) {};
    alone.max = [](double*, std::size_t) {};
    const auto single = solve_one_vs_rest_cocoa(x, 6, labels, 4, s, alone);
    for (std::size_t c = 0; c < 4; ++c)
        for (std::size_t j = 0; j < 6; ++j) CHECK(single[c].weights[j] == doctest::Approx(one[c].weights[j]).epsilon(1e-3));
    SolverSettings logistic = s;
    logistic.loss = LinearLoss::logistic;
    CHECK_THROWS_AS(solve_one_vs_rest_cocoa(x, 6, labels, 4, logistic, alone), UsageError);
}
