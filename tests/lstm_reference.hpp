// Keras's LSTM equations written out step by step in double precision, one sequence at a time,
// for the tests of the Lstm layer and of LstmNetwork.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

namespace newsclf::test {

using Sequence = std::vector<std::vector<double>>;  // steps x width

// The h of every step of one sequence, from a zero state; params = kernel (inputs x 4 units),
// recurrent kernel (units x 4 units), bias (4 units); gate order i, f, c, o.
inline Sequence reference_lstm(const float* params, std::size_t inputs, std::size_t units, const Sequence& x) {
    const std::size_t G = 4 * units;
    const float* W = params;
    const float* R = params + inputs * G;
    const float* b = R + units * G;
    auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
    std::vector<double> h(units, 0.0), c(units, 0.0);
    Sequence out;
    for (const auto& xt : x) {
        std::vector<double> z(G);
        for (std::size_t g = 0; g < G; ++g) {
            double sum = b[g];
            for (std::size_t i = 0; i < inputs; ++i) sum += xt[i] * W[i * G + g];
            for (std::size_t j = 0; j < units; ++j) sum += h[j] * R[j * G + g];
            z[g] = sum;
        }
        for (std::size_t u = 0; u < units; ++u) {
            const double i = sigmoid(z[u]), f = sigmoid(z[units + u]), g = std::tanh(z[2 * units + u]),
                         o = sigmoid(z[3 * units + u]);
            c[u] = f * c[u] + i * g;
            h[u] = o * std::tanh(c[u]);
        }
        out.push_back(h);
    }
    return out;
}

}  // namespace newsclf::test
