#include "newsclf/nn/activations.hpp"

#include <algorithm>
#include <cmath>

namespace newsclf {

void relu_forward(float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward(const float* y, float* d, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!(y[i] > 0.0f)) d[i] = 0.0f;
}

void softmax_rows(float* z, std::size_t rows, std::size_t classes, float temperature) {
    for (std::size_t r = 0; r < rows; ++r) {
        float* p = z + r * classes;
        const float top = *std::max_element(p, p + classes);
        float sum = 0.0f;
        for (std::size_t c = 0; c < classes; ++c) sum += (p[c] = std::exp(temperature * (p[c] - top)));
        for (std::size_t c = 0; c < classes; ++c) p[c] /= sum;
    }
}

double softmax_cross_entropy(float* logits, const std::int8_t* labels, std::size_t batch, std::size_t classes) {
    softmax_rows(logits, batch, classes);
    double loss = 0.0;
    for (std::size_t b = 0; b < batch; ++b) {
        const float* z = logits + b * classes;
        if (labels && labels[b] >= 0) {
            float p = std::clamp(z[static_cast<std::size_t>(labels[b])], 1e-7f, 1.0f - 1e-7f);
            loss -= std::log(static_cast<double>(p));
        }
    }
    return loss;
}

void softmax_cross_entropy_backward(const float* probabilities, const std::int8_t* labels, std::size_t batch,
                                    std::size_t classes, std::size_t count, float* d_logits) {
    const float scale = count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
    for (std::size_t b = 0; b < batch; ++b) {
        for (std::size_t c = 0; c < classes; ++c) {
            float target = (labels[b] >= 0 && static_cast<std::size_t>(labels[b]) == c) ? 1.0f : 0.0f;
            d_logits[b * classes + c] = labels[b] >= 0 ? (probabilities[b * classes + c] - target) * scale : 0.0f;
        }
    }
}

}  // namespace newsclf
