// Temperature scaling (Guo et al. 2017): calibrated probabilities softmax(T z) from a classifier's
// scores z, T fitted on held-out rows. T multiplies the scores: above 1 it sharpens, below 1 it
// softens. A network's probabilities p are scores too (z = log p), so one T calibrates any network.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "newsclf/nn/network.hpp"

namespace newsclf {

// The T >= 0 that minimises the mean cross-entropy of softmax(T * scores) against labels (rows x
// classes, row-major; rows without a label ignored), searched in [1e-3, 1e3] by bisection on the
// derivative, which grows with T.
double fit_temperature(const float* scores, const std::int8_t* labels, std::size_t rows, std::size_t classes);

// The same for probabilities: the T for which p^T / sum(p^T) fits the labels best.
double fit_probability_temperature(const float* probabilities, const std::int8_t* labels, std::size_t rows,
                                   std::size_t classes);
// Replaces each row of probabilities by p^T / sum(p^T) (T = 1 leaves them as they are; a zero
// probability is taken as 1e-30).
void apply_temperature(float* probabilities, std::size_t rows, std::size_t classes, double temperature);

// A network whose probabilities are another's at a temperature; the same parameters.
class TemperatureScaledNetwork : public Network {
public:
    TemperatureScaledNetwork(std::unique_ptr<Network> network, double temperature, std::size_t classes)
        : network_(std::move(network)), temperature_(temperature), classes_(classes) {}
    std::vector<ParameterBlock> parameter_blocks() const override { return network_->parameter_blocks(); }
    const Network& inner() const { return *network_; }
    void predict(const float* params, const TokenBatch& batch, float* probabilities) const override {
        network_->predict(params, batch, probabilities);
        apply_temperature(probabilities, batch.size(), classes_, temperature_);
    }

private:
    std::unique_ptr<Network> network_;
    double temperature_;
    std::size_t classes_;
};

}  // namespace newsclf
