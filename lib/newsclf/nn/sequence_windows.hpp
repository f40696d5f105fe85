// Where the windows of a batch of front-padded token sequences are, the layout Conv1D computes
// over and GlobalMaxPooling1D pools; and what a pooled window row may say instead of a row.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace newsclf {

// Where each sequence's windows are. A sequence of L tokens padded at the front to max_len has
// one window ending at each of its tokens, except, when the padding is shorter than width - 1,
// at the first tokens (a window may not start before the padded row), and, when the padding is
// at least width long, windows of padding only, which all give the same output.
struct SequenceWindows {
    struct Sequence {
        std::size_t token_begin = 0;   // its first vector in the packed input
        std::size_t length = 0;        // its tokens (at most max_len)
        std::size_t first_end = 0;     // the token (from 0) its first window ends at
        std::size_t window_begin = 0;  // its first window's row
        std::size_t window_count = 0;  // windows that hold one of its tokens
        bool padding_window = false;   // the padded row also has windows of padding only
    };
    std::vector<Sequence> sequences;
    std::size_t tokens = 0;   // rows of the packed input
    std::size_t windows = 0;  // rows of the window matrices
};

// Pooled window rows (argmax entries) that are not a window row.
constexpr std::int32_t pooled_padding = -1;  // the padding-only windows' value won
constexpr std::int32_t pooled_nothing = -2;  // the sequence has no window at all: the output is 0

}  // namespace newsclf
