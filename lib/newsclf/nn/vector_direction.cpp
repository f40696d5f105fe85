// The direction of a headline's mean word vector.
#include "newsclf/nn/vector_direction.hpp"

#include <algorithm>
#include <cmath>

#include "newsclf/base/prefetch.hpp"

namespace newsclf {

void prefetch_vector_rows(TokenSpan tokens, const Matrix& vectors) {
    const std::size_t rows = vectors.shape(0), dim = vectors.shape(1);
    for (std::size_t i = 0; i < tokens.size; ++i)
        if (tokens.data[i] < rows) prefetch_floats(vectors.data() + static_cast<std::size_t>(tokens.data[i]) * dim, dim);
}

float vector_direction(TokenSpan tokens, const Matrix& vectors, float* out) {
    const std::size_t rows = vectors.shape(0), dim = vectors.shape(1);
    std::fill(out, out + dim, 0.0f);
    prefetch_vector_rows(tokens, vectors);  // the rows lie anywhere in the table
    for (std::size_t i = 0; i < tokens.size; ++i) {
        if (tokens.data[i] >= rows) continue;
        const float* row = vectors.data() + static_cast<std::size_t>(tokens.data[i]) * dim;
        for (std::size_t d = 0; d < dim; ++d) out[d] += row[d];
    }
    float norm = 0;
    for (std::size_t d = 0; d < dim; ++d) norm += out[d] * out[d];
    norm = std::sqrt(norm);
    if (norm > 0)
        for (std::size_t d = 0; d < dim; ++d) out[d] /= norm;
    return norm;
}

}  // namespace newsclf
