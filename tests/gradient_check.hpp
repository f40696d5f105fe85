// Central finite differences of a scalar objective, and their comparison with an analytic
// gradient, for the tests of the layers and of the networks.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ostream>
#include <vector>

namespace newsclf::test {

struct NumericGradient {
    std::vector<double> values;  // d objective / d x[i]
    std::vector<double> steps;   // the step each value was taken with
    std::vector<bool> skipped;   // the smallest step still changed the regime: no gradient to compare
};

// Central differences of objective() with respect to every entry of x, perturbed in place and
// restored. The step actually taken in float is the denominator. regime() describes the discrete
// state the last objective() call went through (which relu is on, which window won a pool): a
// step that changes it measures a kink, not the gradient, so it is shrunk by 4 down to h / 64,
// and an entry whose smallest step still changes it is marked skipped.
template <class Objective, class Regime>
NumericGradient central_differences(std::vector<float>& x, float h, const Objective& objective, const Regime& regime) {
    objective();
    const auto base = regime();
    NumericGradient g{std::vector<double>(x.size()), std::vector<double>(x.size()), std::vector<bool>(x.size(), true)};
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float saved = x[i];
        for (float step = h; step >= h / 64 && g.skipped[i]; step /= 4) {
            const float up = saved + step, down = saved - step;
            x[i] = up;
            const double f_up = objective();
            bool crossed = regime() != base;
            x[i] = down;
            const double f_down = objective();
            crossed = crossed || regime() != base;
            g.values[i] = (f_up - f_down) / (static_cast<double>(up) - static_cast<double>(down));
            g.steps[i] = step;
            g.skipped[i] = crossed;
        }
        x[i] = saved;
    }
    return g;
}

// The same for an objective without kinks: one step of h per entry, none skipped.
template <class Objective>
NumericGradient central_differences(std::vector<float>& x, float h, const Objective& objective) {
    return central_differences(x, h, objective, [] { return 0; });
}

// An entry passes when |a - n| <= rtol * max(|a|, |n|) + atol + rounding / step, with atol = floor
// * the largest numeric entry: the relative test for every entry that is not tiny, an absolute one
// at the level of the float32 noise of the differences for the rest. rounding is the objective's
// own rounding error where it is computed in float.
struct Tolerance {
    double rtol = 1e-2;
    double floor = 1e-4;
    double rounding = 0;
    double counted_above = 100;  // entries above counted_above * atol count as compared
};

struct GradientCheck {
    std::size_t compared = 0;  // entries above the noise floor, held to the relative tolerance
    std::size_t skipped = 0;
    std::size_t failures = 0;
    double worst = 0;  // the largest |a - n| / (allowed error); below 1 passes
};

inline std::ostream& operator<<(std::ostream& out, const GradientCheck& c) {
    return out << "compared " << c.compared << ", skipped " << c.skipped << ", failed " << c.failures << ", worst ratio "
               << c.worst;
}

inline GradientCheck compare_gradients(const std::vector<float>& analytic, const NumericGradient& numeric,
                                       const Tolerance& tolerance = {}) {
    double largest = 0;
    for (double n : numeric.values) largest = std::max(largest, std::fabs(n));
    const double atol = tolerance.floor * largest;
    GradientCheck c;
    for (std::size_t i = 0; i < numeric.values.size(); ++i) {
        if (numeric.skipped[i]) {
            ++c.skipped;
            continue;
        }
        const double a = analytic[i], n = numeric.values[i];
        const double scale = std::max(std::fabs(a), std::fabs(n));
        if (scale > tolerance.counted_above * atol) ++c.compared;
        const double ratio = std::fabs(a - n) / (tolerance.rtol * scale + atol + tolerance.rounding / numeric.steps[i]);
        c.worst = std::max(c.worst, ratio);
        c.failures += ratio > 1.0;
    }
    return c;
}

// values with the entries from `from` on multiplied by factor: a gradient with a plausible mistake.
inline std::vector<float> scaled(std::vector<float> values, float factor, std::size_t from = 0) {
    for (std::size_t i = from; i < values.size(); ++i) values[i] *= factor;
    return values;
}

// sum(weights * out) in double: a scalar objective whose gradient with respect to out is weights.
inline double weighted_sum(const std::vector<float>& out, const std::vector<float>& weights) {
    double s = 0;
    for (std::size_t i = 0; i < out.size(); ++i) s += static_cast<double>(out[i]) * weights[i];
    return s;
}

// compare_gradients for an analytic gradient of the numeric one's size.
inline GradientCheck check_gradient(const std::vector<float>& analytic, const NumericGradient& numeric) {
    REQUIRE(analytic.size() == numeric.values.size());
    return compare_gradients(analytic, numeric);
}

// The check passes for the analytic gradient and fails for two plausible mistakes: a gradient
// 5% too large, and one with a single sizeable entry dropped.
inline void require_gradient_matches(const std::vector<float>& analytic, const NumericGradient& numeric) {
    GradientCheck good = check_gradient(analytic, numeric);
    INFO(good << " of " << analytic.size());
    CHECK(good.failures == 0);
    CHECK(good.compared >= analytic.size() / 2);

    CHECK(check_gradient(scaled(analytic, 1.05f), numeric).failures > 0);

    std::vector<float> dropped = analytic;
    std::size_t largest = 0;
    for (std::size_t i = 0; i < dropped.size(); ++i)
        if (std::fabs(dropped[i]) > std::fabs(dropped[largest])) largest = i;
    dropped[largest] = 0.0f;
    CHECK(check_gradient(dropped, numeric).failures > 0);
}

}  // namespace newsclf::test
