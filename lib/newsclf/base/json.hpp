// Small helpers for writing JSON text: string escaping and shortest round-trip numbers.
#pragma once
#include <string>
#include <string_view>

namespace newsclf {

// Appends s as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);
// Shortest text that reads back as the same double ("0.25", "1e-07"); NaN and infinities as null.
std::string json_number(double v);
// Shortest text that reads back as the same float.
std::string json_float(float v);

}  // namespace newsclf
