// Inverted dropout in training: the masks (0, or 1 / (1 - rate) for a kept value), drawn from the
// trainer's generator, applied to activations and to their gradients.
#pragma once
#include <cstddef>
#include <vector>

#include "newsclf/base/random.hpp"

namespace newsclf {

// Each value is kept with probability 1 - rate and then scaled by 1 / (1 - rate); the generator
// draws the masks.
struct Dropout {
    float rate;
    PythonRandom* rng;
};

// x (n values) *= a new mask, kept in *mask when mask is not null. The mask comes from a SplitMix64
// stream that two draws of the generator seed, each value from 16 of its bits, kept when they are
// at least rate * 65536: one Mersenne Twister draw per value took a tenth of the training time of
// a network with dropout on its embedded input. The rate counts to 1/65536.
void apply_dropout(const Dropout& dropout, float* x, std::size_t n, std::vector<float>* mask);
// The same with one draw of the generator per value, kept when random() >= rate: the mlp's masks
// since its first model files, kept so that the same seed still gives the same model.
void apply_dropout_drawing_each(const Dropout& dropout, float* x, std::size_t n, std::vector<float>* mask);

// x *= mask, element-wise (a gradient through the dropout that drew the mask).
void multiply_by_mask(float* x, const std::vector<float>& mask);

}  // namespace newsclf
