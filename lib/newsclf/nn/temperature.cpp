// The temperature fit: safeguarded Newton steps on the derivative of the mean cross-entropy.
#include "newsclf/nn/temperature.hpp"

#include <algorithm>
#include <cmath>

#include "newsclf/nn/activations.hpp"

namespace newsclf {

double fit_temperature(const float* scores, const std::int8_t* labels, std::size_t rows, std::size_t classes) {
    constexpr double low = 1e-3, high = 1e3;
    // The first and second derivatives of the mean loss in T: E_p[z] - z_label and Var_p[z].
    auto derivatives = [&](double t, double* second) {
        double d1 = 0, d2 = 0;
        std::size_t n = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            if (labels[r] < 0) continue;
            const float* z = scores + r * classes;
            const double top = *std::max_element(z, z + classes);
            double sum = 0, mean = 0, square = 0;
            for (std::size_t c = 0; c < classes; ++c) {
                const double e = std::exp(t * (z[c] - top));
                sum += e;
                mean += e * z[c];
                square += e * z[c] * z[c];
            }
            mean /= sum;
            d1 += mean - z[labels[r]];
            d2 += std::max(0.0, square / sum - mean * mean);
            ++n;
        }
        if (n == 0) return 0.0;
        *second = d2 / static_cast<double>(n);
        return d1 / static_cast<double>(n);
    };
    double second = 0;
    double d = derivatives(1.0, &second);
    if (d == 0) return 1.0;
    // Newton steps inside a bracket that always holds the minimum; a step that leaves it or does
    // not shrink it enough is replaced by the bracket's geometric midpoint.
    double lo = low, hi = high, t = 1.0;
    if (d > 0) hi = t; else lo = t;
    for (int step = 0; step < 100 && hi / lo > 1 + 1e-9; ++step) {
        double next = second > 0 ? t - d / second : -1;
        if (!(next > lo && next < hi)) next = std::sqrt(lo * hi);
        if (std::fabs(next - t) <= 1e-7 * t) {
            t = next;
            break;
        }
        t = next;
        d = derivatives(t, &second);
        if (d == 0) break;
        (d > 0 ? hi : lo) = t;
    }
    return std::clamp(t, low, high);
}

namespace {
constexpr float smallest_probability = 1e-30f;
}

double fit_probability_temperature(const float* probabilities, const std::int8_t* labels, std::size_t rows,
                                   std::size_t classes) {
    std::vector<float> scores(probabilities, probabilities + rows * classes);
    for (float& v : scores) v = std::log(std::max(v, smallest_probability));
    return fit_temperature(scores.data(), labels, rows, classes);
}

void apply_temperature(float* probabilities, std::size_t rows, std::size_t classes, double temperature) {
    if (temperature == 1.0) return;
    const float t = static_cast<float>(temperature);
    for (std::size_t r = 0; r < rows; ++r) {
        float* p = probabilities + r * classes;
        for (std::size_t c = 0; c < classes; ++c) p[c] = std::log(std::max(p[c], smallest_probability));
    }
    softmax_rows(probabilities, rows, classes, t);
}

}  // namespace newsclf
