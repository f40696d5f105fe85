// The product of a sparse matrix by a dense one.
#include "newsclf/nn/sparse_matrix.hpp"

namespace newsclf {

std::vector<float> multiply(const SparseMatrix& x, const float* weights, const float* bias, std::size_t classes) {
    std::vector<float> scores(x.size() * classes);
    for (std::size_t r = 0; r < x.size(); ++r) {
        float* s = scores.data() + r * classes;
        for (std::size_t c = 0; c < classes; ++c) s[c] = bias[c];
        for (std::uint64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
            const float* row = weights + static_cast<std::size_t>(x.entries[k].index) * classes;
            for (std::size_t c = 0; c < classes; ++c) s[c] += x.entries[k].value * row[c];
        }
    }
    return scores;
}

}  // namespace newsclf
