#include "newsclf/base/error.hpp"

namespace newsclf {

std::string where(const std::string& source, std::size_t line) {
    if (line == 0) return source + ": ";
    return source + ":" + std::to_string(line) + ": ";
}

}  // namespace newsclf
