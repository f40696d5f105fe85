// --arch ensemble: several trained models of other architectures in one model file, their
// probabilities mixed with weights that maximise the likelihood of the validation rows.
#pragma once
#include <string>
#include <vector>

#include "newsclf/nn/network.hpp"

namespace newsclf {

struct Architecture;
Architecture ensemble_architecture();

// Mixture weights (summing to 1) of K models' probabilities (each rows x classes) that maximise
// the log-likelihood of the labels, by expectation-maximisation; rows without a label are skipped.
std::vector<double> fit_mixture_weights(const std::vector<std::vector<float>>& probabilities,
                                        const std::vector<std::int8_t>& labels, std::size_t classes);

}  // namespace newsclf
