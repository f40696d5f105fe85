// MD5 (RFC 1321), used only to assign whole stories to a split the way Python's hashlib does.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace newsclf {

std::array<std::uint8_t, 16> md5(std::string_view data);
// int(hashlib.md5(data).hexdigest(), 16) % modulus
std::uint64_t md5_mod(std::string_view data, std::uint64_t modulus);

}  // namespace newsclf
