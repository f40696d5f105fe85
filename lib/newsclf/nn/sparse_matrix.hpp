// A sparse matrix by rows (CSR with 32-bit column numbers), the form of the TF-IDF features the
// linear solver and the temperature fit read.
#pragma once
#include <cstdint>
#include <vector>

namespace newsclf {

struct SparseEntry {
    std::uint32_t index;
    float value;
};

// Rows of a sparse matrix: row r's entries are entries[offsets[r], offsets[r+1]).
struct SparseMatrix {
    std::vector<std::uint64_t> offsets{0};
    std::vector<SparseEntry> entries;
    std::size_t size() const { return offsets.size() - 1; }
};

// x . weights + bias for each row of x (rows x classes, row-major); weights [columns, classes]
// row-major, bias [classes]. Each row's sum runs over its entries in order, in floats.
std::vector<float> multiply(const SparseMatrix& x, const float* weights, const float* bias, std::size_t classes);

}  // namespace newsclf
