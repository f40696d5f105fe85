// The names of the standard streams: "-" or an empty path means stdin (for an input) or stdout
// (for an output), and messages call it "<stdin>".
#pragma once
#include <string>

namespace newsclf {

bool is_stdio(const std::string& path);
// The name used in messages: "<stdin>" for "-" or "".
std::string display_name(const std::string& path);

}  // namespace newsclf
