// A batch of headlines as token-id spans, padded and truncated at the front to a fixed length
// (Keras pad_sequences defaults) only virtually: layers skip the padding positions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace newsclf {

struct TokenSpan {
    const std::uint32_t* data = nullptr;
    std::size_t size = 0;
};

using TokenBatch = std::vector<TokenSpan>;

// The last max_len tokens of a span, and the position the first of them takes in the padded row.
inline TokenSpan truncate_front(TokenSpan s, std::size_t max_len, std::size_t* first_position) {
    if (s.size > max_len) {
        s.data += s.size - max_len;
        s.size = max_len;
    }
    *first_position = max_len - s.size;
    return s;
}

}  // namespace newsclf
