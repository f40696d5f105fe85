// Element-wise activations and the softmax + categorical cross-entropy output.
#pragma once
#include <cstddef>
#include <cstdint>

namespace newsclf {

void relu_forward(float* x, std::size_t n);
// d_x = d_y where the activation's output y > 0, else 0 (in place on d).
void relu_backward(const float* y, float* d, std::size_t n);

// softmax(temperature * z) of each row of z (rows x classes) in place, shifted by the row's
// maximum so that exp cannot overflow.
void softmax_rows(float* z, std::size_t rows, std::size_t classes, float temperature = 1.0f);

// Softmax of logits (batch x classes) in place into probabilities. Returns the summed
// cross-entropy over rows with a label >= 0 (probabilities clipped at 1e-7 as Keras does).
double softmax_cross_entropy(float* logits, const std::int8_t* labels, std::size_t batch, std::size_t classes);
// d loss / d logits of the batch-mean loss: (p - onehot) / count, for rows with a label.
void softmax_cross_entropy_backward(const float* probabilities, const std::int8_t* labels, std::size_t batch,
                                    std::size_t classes, std::size_t count, float* d_logits);

}  // namespace newsclf
