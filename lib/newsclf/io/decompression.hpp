// Compressed input (xz, gzip) recognised by its magic bytes and decompressed whole.
#pragma once
#include <string>
#include <string_view>

namespace newsclf {

// Whether bytes start with the magic of xz or gzip data (a prefix too short for it is neither).
bool is_compressed(std::string_view bytes);
// Decompresses xz or gzip bytes, returns other bytes unchanged. `source` names them in errors:
// corrupt or truncated data is a DataError.
std::string decompress_if_compressed(std::string bytes, const std::string& source);

}  // namespace newsclf
