// For the tests of the container formats: a body with the trailer that matches it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "newsclf/formats/container.hpp"

namespace newsclf::test {

// body followed by the trailer that matches it (length, item count, CRC-32): only a parser can object.
inline std::string with_trailer(const std::string& body, std::uint64_t items) {
    return body + make_trailer(body.size(), items, crc32_of(body));
}

// A whole container with one metadata entry set to value, and a trailer that matches: only the
// code that reads the entry can object.
inline std::string with_metadata(const std::string& bytes, std::string_view kind, std::uint32_t major,
                                 const std::string& key, MetaValue value) {
    std::uint64_t items = 0;
    const std::string_view body = verify_trailer(bytes, "the container", &items);
    ByteReader r(body, "the container");
    Header h = read_header(r, kind, major);
    h.metadata[key] = std::move(value);
    ByteWriter w;
    write_header(w, kind, major, h.minor, h.metadata);
    w.raw(body.substr(r.position()));
    return with_trailer(w.bytes(), items);
}

}  // namespace newsclf::test
