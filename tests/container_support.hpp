// For the tests of the container formats: a body with the trailer that matches it.
#pragma once
#include <cstdint>
#include <string>

#include "newsclf/formats/container.hpp"

namespace newsclf::test {

// body followed by the trailer that matches it (length, item count, CRC-32): only a parser can object.
inline std::string with_trailer(const std::string& body, std::uint64_t items) {
    return body + make_trailer(body.size(), items, crc32_of(body));
}

}  // namespace newsclf::test
