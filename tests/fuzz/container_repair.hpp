// Mutated container bytes almost never keep a valid CRC-32, so a target reads each input twice:
// as it is, and with the trailer's length and CRC made to fit the bytes before it, which lets the
// fuzzer reach the header, metadata and body readers behind the checksum.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"

namespace newsclf {

// The bytes with a trailer that fits them, or none when they end in no trailer or their own fits.
inline std::optional<std::string> with_fitting_trailer(std::string_view bytes) {
    if (bytes.size() < format::trailer_size) return std::nullopt;
    std::string_view body = bytes.substr(0, bytes.size() - format::trailer_size);
    std::string_view trailer = bytes.substr(body.size());
    if (trailer.substr(0, format::trailer_magic.size()) != format::trailer_magic) return std::nullopt;
    ByteReader r(trailer.substr(format::trailer_magic.size()), "trailer");
    r.u64("length");
    const std::uint64_t items = r.u64("items");
    std::string fitted = std::string(body) + make_trailer(body.size(), items, crc32_of(body));
    if (fitted == bytes) return std::nullopt;
    return fitted;
}

}  // namespace newsclf
