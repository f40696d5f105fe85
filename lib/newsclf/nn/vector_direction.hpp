// A headline's word vectors as one dense feature vector: their sum, L2-normalised (the direction
// of their mean), the part of the linear model that reaches words by their meaning and not only
// by their spelling.
#pragma once
#include <cstddef>

#include "newsclf/base/tensor.hpp"
#include "newsclf/nn/token_batch.hpp"

namespace newsclf {

// Into out[0..vectors.shape(1)): the sum of the rows of `vectors` (by token id) of the headline's
// tokens divided by its Euclidean norm, all zeros when it is 0 (no word with a vector). Ids past
// the matrix add nothing. Returns that norm, by which a word's share of the direction is its row.
float vector_direction(TokenSpan tokens, const Matrix& vectors, float* out);

// Asks for the cache lines of the rows vector_direction(tokens, vectors, ...) will read.
void prefetch_vector_rows(TokenSpan tokens, const Matrix& vectors);

}  // namespace newsclf
