// The sparse-by-dense product against the dense computation.
#include <doctest/doctest.h>

#include <vector>

#include "newsclf/nn/sparse_matrix.hpp"

using namespace newsclf;

TEST_CASE("multiply: x . weights + bias per row, empty rows give the bias") {
    SparseMatrix x;
    x.entries = {{0, 2.0f}, {2, -1.0f}, {1, 0.5f}};
    x.offsets = {0, 2, 2, 3};  // rows: {0: 2, 2: -1}, {}, {1: 0.5}
    REQUIRE(x.size() == 3);
    const std::vector<float> w = {1, 2, 3, 4, 5, 6};  // [3 columns, 2 classes]
    const std::vector<float> bias = {0.5f, -0.5f};
    const std::vector<float> s = multiply(x, w.data(), bias.data(), 2);
    CHECK(s == std::vector<float>{0.5f + 2 * 1 - 5, -0.5f + 2 * 2 - 6, 0.5f, -0.5f, 0.5f + 1.5f, -0.5f + 2.0f});
    CHECK(multiply(SparseMatrix{}, w.data(), bias.data(), 2).empty());
}
