// Temperature scaling (Guo et al. 2017): calibrated probabilities softmax(T z) from a classifier's
// scores z, T fitted on held-out rows.
#pragma once
#include <cstddef>
#include <cstdint>

namespace newsclf {

// The T >= 0 that minimises the mean cross-entropy of softmax(T * scores) against labels (rows x
// classes, row-major; rows without a label ignored), searched in [1e-3, 1e3] by bisection on the
// derivative, which grows with T.
double fit_temperature(const float* scores, const std::int8_t* labels, std::size_t rows, std::size_t classes);

}  // namespace newsclf
