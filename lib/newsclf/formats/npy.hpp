// NumPy's .npy format for float32 matrices: what newsclf-embed writes and NumPy reads.
#pragma once
#include <string>
#include <string_view>

#include "newsclf/base/tensor.hpp"

namespace newsclf {

std::string npy_bytes(const Matrix& m);
// Whether bytes start with the .npy magic ("\x93NUMPY").
bool is_npy(std::string_view bytes);
// Reads a 2-D little-endian float32 (or float64, converted) C-order array.
Matrix parse_npy(std::string_view bytes, const std::string& source);

}  // namespace newsclf
