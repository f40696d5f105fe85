// The dense array types shared by the library.
#pragma once
#include <xtensor/xtensor.hpp>

namespace newsclf {

using Matrix = xt::xtensor<float, 2>;  // row-major
using Vector = xt::xtensor<float, 1>;

}  // namespace newsclf
