// The optimisers against Keras's update rules: three steps from the same start, with values
// worked out in double precision from the formulas below.
#include <doctest/doctest.h>

#include <cmath>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/nn/optimizers.hpp"

using namespace newsclf;

namespace {

const std::vector<float> start = {1.0f, -0.5f, 0.25f, 2.0f, 0.0f};
// A zero gradient, a gradient of 1e-6 (where epsilon matters) and sign changes.
const std::vector<std::vector<float>> gradients = {
    {0.1f, -0.2f, 0.0f, 1e-6f, 3.0f},
    {-0.3f, 0.05f, 0.5f, 1e-6f, 3.0f},
    {0.2f, 0.2f, -0.5f, -1e-6f, -1.0f},
};

// Runs three steps and compares the parameters after each with the expected rows. 1e-6 is a few
// float32 ulps at these magnitudes; a wrong rule is off by 1e-4 or far more.
void check_close(const OptimizerSettings& settings, const std::vector<std::vector<double>>& expected) {
    std::vector<float> p = start;
    auto optimizer = make_optimizer(settings, p.size());
    for (std::size_t step = 0; step < gradients.size(); ++step) {
        optimizer->step(p.data(), gradients[step].data(), p.size());
        for (std::size_t i = 0; i < p.size(); ++i) {
            CAPTURE(step);
            CAPTURE(i);
            CAPTURE(p[i]);
            CAPTURE(expected[step][i]);
            CHECK(std::fabs(static_cast<double>(p[i]) - expected[step][i]) < 1e-6);
        }
    }
}

}  // namespace

TEST_CASE("rmsprop: ms = rho ms + (1 - rho) g^2; p -= lr g / (sqrt(ms) + eps)") {
    OptimizerSettings s;  // Keras defaults: lr 0.001, rho 0.9, epsilon 1e-7
    s.name = "rmsprop";
    check_close(s, {
                       {0.996837732, -0.496837727, 0.25, 1.99759747, -0.00316227733},
                       {0.999852843, -0.497643549, 0.246837724, 1.99573141, -0.00545643449},
                       {0.998092625, -0.499958355, 0.249131881, 1.99734282, -0.00467532756},
                   });
    s.learning_rate = 0.1;
    check_close(s, {
                       {0.683773234, -0.183772734, 0.25, 1.75974693, -0.316227733},
                       {0.985284276, -0.264354901, -0.066227566, 1.57314143, -0.545643449},
                       {0.809262462, -0.495835494, 0.163188063, 1.73428189, -0.467532756},
                   });
    // By hand: the first step moves p by lr / sqrt(1 - rho) = 0.1 * 3.1623 against the sign of g,
    // for any g well above epsilon.
    std::vector<float> p = {0.0f};
    const float g = 42.0f;
    make_optimizer(s, 1)->step(p.data(), &g, 1);
    CHECK(p[0] == doctest::Approx(-0.1 / std::sqrt(0.1)).epsilon(1e-6));
}

TEST_CASE("rmsprop: stretches of zero gradients only decay ms, with the bits of the full rule") {
    // A sparse input's gradient: runs of zeros of every length around the 64-element stretches
    // the step skips, -0.0 among them, and a few non-zero values; 40 steps, each compared bit for
    // bit with the rule written out element by element.
    OptimizerSettings s;
    s.name = "rmsprop";
    const std::size_t n = 1000;
    std::uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>(state >> 33);
    };
    std::vector<float> p(n), expected_p(n), ms(n, 0.0f), g(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = expected_p[i] = static_cast<float>(next() % 2000) / 1000.0f - 1.0f;
    auto optimizer = make_optimizer(s, n);
    const float lr = 0.001f, keep = 0.9f, add = 1.0f - keep, eps = 1e-7f;
    for (int step = 0; step < 40; ++step) {
        std::fill(g.begin(), g.end(), 0.0f);
        for (std::size_t begin = next() % 200; begin < n; begin += 1 + next() % 300) {
            const std::size_t length = next() % 40;
            for (std::size_t i = begin; i < std::min(n, begin + length); ++i)
                g[i] = next() % 7 == 0 ? -0.0f : static_cast<float>(static_cast<int>(next() % 2001) - 1000) / 500.0f;
        }
        optimizer->step(p.data(), g.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            ms[i] = keep * ms[i] + add * g[i] * g[i];
            expected_p[i] -= lr * g[i] / (std::sqrt(ms[i]) + eps);
        }
        std::size_t differ = 0;
        for (std::size_t i = 0; i < n; ++i) differ += std::memcmp(&p[i], &expected_p[i], sizeof(float)) != 0;
        CAPTURE(step);
        REQUIRE(differ == 0);
    }
}

TEST_CASE("adam: bias-corrected lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); p -= lr_t m / (sqrt(v) + eps)") {
    OptimizerSettings s;  // lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7
    s.name = "adam";
    check_close(s, {
                       {0.999000032, -0.499000016, 0.25, 1.99975975, -0.000999998946},
                       {0.999494217, -0.498530555, 0.249255868, 1.99945078, -0.0019999982},
                       {0.999475429, -0.498715242, 0.24930105, 1.9993581, -0.0026056957},
                   });
    s.learning_rate = 0.05;
    s.beta_1 = 0.5;
    s.beta_2 = 0.9;
    check_close(s, {
                       {0.950000158, -0.450000079, 0.25, 1.96201265, -0.0499999947},
                       {0.986507274, -0.438291762, 0.2040532, 1.92134293, -0.0999999909},
                       {0.97668947, -0.468417607, 0.221114401, 1.92733478, -0.114522348},
                   });
    // By hand: with bias correction the first step is lr against the sign of g.
    std::vector<float> p = {0.0f};
    const float g = -7.0f;
    make_optimizer(s, 1)->step(p.data(), &g, 1);
    CHECK(p[0] == doctest::Approx(0.05).epsilon(1e-6));
}

TEST_CASE("sgd: p -= lr g, or with momentum v = m v - lr g; p += v") {
    OptimizerSettings s;
    s.name = "sgd";
    s.learning_rate = 0.1;
    check_close(s, {
                       {0.99, -0.48, 0.25, 1.9999999, -0.3},
                       {1.02, -0.485, 0.2, 1.9999998, -0.6},
                       {1.0, -0.505, 0.25, 1.9999999, -0.5},
                   });
    s.momentum = 0.9;
    check_close(s, {
                       {0.99, -0.48, 0.25, 1.9999999, -0.3},
                       {1.011, -0.467, 0.2, 1.99999971, -0.87},
                       {1.0099, -0.4753, 0.205, 1.99999964, -1.283},
                   });
}

TEST_CASE("optimisers keep separate state per parameter buffer") {
    OptimizerSettings s;
    s.name = "rmsprop";
    auto a = make_optimizer(s, 1), b = make_optimizer(s, 1);
    std::vector<float> pa = {0.0f}, pb = {0.0f};
    const float g = 1.0f;
    a->step(pa.data(), &g, 1);
    a->step(pa.data(), &g, 1);
    b->step(pb.data(), &g, 1);
    CHECK(pb[0] == doctest::Approx(-0.001 / std::sqrt(0.1)).epsilon(1e-6));
    CHECK(pa[0] == doctest::Approx(-0.001 / std::sqrt(0.1) - 0.001 / std::sqrt(0.19)).epsilon(1e-6));
}

TEST_CASE("an unknown optimiser is a usage error") {
    OptimizerSettings s;
    s.name = "adagrad";
    CHECK_THROWS_AS(make_optimizer(s, 3), UsageError);
}

TEST_CASE("optimizer and schedule names parse once into their kinds; other names are usage errors naming the choices") {
    CHECK(optimizer_kind("sgd") == OptimizerKind::sgd);
    CHECK(optimizer_kind("rmsprop") == OptimizerKind::rmsprop);
    CHECK(optimizer_kind("adam") == OptimizerKind::adam);
    CHECK_THROWS_WITH_AS(optimizer_kind("Adam"), "unknown optimizer \"Adam\": expected sgd, rmsprop or adam", UsageError);
    CHECK(lr_schedule("constant") == LrSchedule::constant);
    CHECK(lr_schedule("linear") == LrSchedule::linear);
    CHECK(lr_schedule("cosine") == LrSchedule::cosine);
    CHECK_THROWS_WITH_AS(lr_schedule("step"), "lr_schedule: \"step\" is not one of constant, linear, cosine", UsageError);
}

TEST_CASE("learning-rate schedules: constant, linear down to 0, half a cosine down to 0") {
    CHECK(scheduled_learning_rate(LrSchedule::constant, 0.5, 7, 10) == 0.5);
    CHECK(scheduled_learning_rate(LrSchedule::linear, 0.5, 0, 10) == 0.5);
    CHECK(scheduled_learning_rate(LrSchedule::linear, 0.5, 5, 10) == doctest::Approx(0.25));
    CHECK(scheduled_learning_rate(LrSchedule::linear, 0.5, 9, 10) == doctest::Approx(0.05));
    // The linear schedule is base * (1 - step / steps) exactly, as the bag's SGD always computed it.
    CHECK(scheduled_learning_rate(LrSchedule::linear, 0.4, 37, 1000) == 0.4 * (1.0 - 37.0 / 1000.0));
    CHECK(scheduled_learning_rate(LrSchedule::cosine, 0.5, 0, 10) == doctest::Approx(0.5));
    CHECK(scheduled_learning_rate(LrSchedule::cosine, 0.5, 5, 10) == doctest::Approx(0.25));
    CHECK(scheduled_learning_rate(LrSchedule::cosine, 0.5, 10, 10) == doctest::Approx(0.0));
    CHECK(scheduled_learning_rate(LrSchedule::linear, 0.5, 0, 0) == 0.5);  // no steps: the base
}

TEST_CASE("an optimizer steps with the learning rate it was last given") {
    OptimizerSettings s;
    s.name = "sgd";
    s.learning_rate = 1.0;
    auto sgd = make_optimizer(s, 1);
    float p = 0.0f;
    const float g = 1.0f;
    sgd->step(&p, &g, 1);
    CHECK(p == -1.0f);
    sgd->set_learning_rate(0.25);
    sgd->step(&p, &g, 1);
    CHECK(p == -1.25f);
}

TEST_CASE("step_rows updates the listed rows lazily: as a dense step on them, the other rows untouched") {
    // Buffer: 2 dense values, then a block of 4 rows of 3 values.
    constexpr std::size_t dense = 2, width = 3, rows = 4, n = dense + rows * width;
    for (const char* name : {"sgd", "rmsprop", "adam"}) {
        CAPTURE(name);
        OptimizerSettings s;
        s.name = name;
        s.learning_rate = 0.01;
        s.momentum = 0.5;
        std::vector<float> g(n);
        for (std::size_t i = 0; i < n; ++i) g[i] = 0.1f * static_cast<float>(i) - 0.4f;
        // Every row listed: the same as a dense step of the whole buffer, step after step.
        auto full = make_optimizer(s, n), lazy = make_optimizer(s, n);
        std::vector<float> p_full(n, 0.5f), p_lazy(n, 0.5f);
        const std::vector<std::uint32_t> all = {0, 1, 2, 3};
        for (int step = 0; step < 3; ++step) {
            full->step(p_full.data(), g.data(), n);
            lazy->step(p_lazy.data(), g.data(), dense);
            lazy->step_rows(p_lazy.data(), g.data(), dense, width, all.data(), all.size());
        }
        CHECK(p_lazy == p_full);

        // Rows 1 and 3 only: rows 0 and 2 keep their values; the listed rows move as in a dense
        // step over the block whose other rows had a zero gradient (and no moments).
        auto sparse = make_optimizer(s, n), reference = make_optimizer(s, n);
        std::vector<float> p_sparse(n, 0.5f), p_reference(n, 0.5f), g_reference = g;
        for (std::size_t r : {0, 2})
            for (std::size_t k = 0; k < width; ++k) g_reference[dense + r * width + k] = 0.0f;
        const std::vector<std::uint32_t> some = {1, 3};
        sparse->step(p_sparse.data(), g.data(), dense);
        sparse->step_rows(p_sparse.data(), g.data(), dense, width, some.data(), some.size());
        reference->step(p_reference.data(), g_reference.data(), n);
        CHECK(p_sparse == p_reference);
        for (std::size_t r : {0, 2})
            for (std::size_t k = 0; k < width; ++k) CHECK(p_sparse[dense + r * width + k] == 0.5f);

        // A later step that touches row 0 for the first time: its moments start from zero, while
        // Adam's bias correction follows the steps taken (the second step's).
        const std::vector<std::uint32_t> first = {0};
        sparse->step(p_sparse.data(), g.data(), dense);
        sparse->step_rows(p_sparse.data(), g.data(), dense, width, first.data(), first.size());
        auto fresh = make_optimizer(s, n);
        std::vector<float> p_fresh(n, 0.5f), zero(n, 0.0f);
        fresh->step(p_fresh.data(), zero.data(), n);  // a step that moves nothing, for the step count
        fresh->step(p_fresh.data(), g.data(), n);
        for (std::size_t k = 0; k < width; ++k) CHECK(p_sparse[dense + k] == p_fresh[dense + k]);
        for (std::size_t k = 0; k < width; ++k) CHECK(p_sparse[dense + 1 * width + k] == p_reference[dense + 1 * width + k]);
    }
}

TEST_CASE("a step on several threads, by ranges, is the one-thread step bit for bit") {
    // 600,000 elements: three ranges of the split; every rule, three steps each.
    const std::size_t n = 600000;
    std::vector<float> start_p(n), g(n);
    for (std::size_t i = 0; i < n; ++i) {
        start_p[i] = static_cast<float>(i % 1000) / 500.0f - 1.0f;
        g[i] = i % 3 == 0 ? 0.0f : static_cast<float>(static_cast<int>(i % 777) - 388) / 300.0f;
    }
    for (const char* name : {"sgd", "rmsprop", "adam"}) {
        CAPTURE(name);
        OptimizerSettings s;
        s.name = name;
        s.momentum = 0.5;
        std::vector<float> one = start_p, three = start_p;
        auto a = make_optimizer(s, n), b = make_optimizer(s, n);
        for (int step = 0; step < 3; ++step) {
            a->step(one.data(), g.data(), n, 1);
            b->step(three.data(), g.data(), n, 3);
        }
        CHECK(one != start_p);
        CHECK(std::memcmp(one.data(), three.data(), n * sizeof(float)) == 0);
    }
}
