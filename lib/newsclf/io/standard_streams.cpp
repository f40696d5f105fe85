// The names of the standard streams.
#include "newsclf/io/standard_streams.hpp"

namespace newsclf {

bool is_stdio(const std::string& path) { return path.empty() || path == "-"; }
std::string display_name(const std::string& path) { return is_stdio(path) ? "<stdin>" : path; }

}  // namespace newsclf
