// Labelled headlines as token ids, small enough for a network's loss to be differentiated
// entry by entry, for the tests of the networks trained by gradient steps.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "newsclf/nn/token_batch.hpp"

namespace newsclf::test {

struct Headlines {
    std::vector<std::vector<std::uint32_t>> tokens;
    std::vector<std::int8_t> labels;  // one per headline; -1: unlabelled
    std::size_t labelled() const {
        return static_cast<std::size_t>(std::count_if(labels.begin(), labels.end(), [](int l) { return l >= 0; }));
    }
    TokenBatch batch() const {
        TokenBatch b;
        for (const auto& t : tokens) b.push_back({t.data(), t.size()});
        return b;
    }
};

// Eight headlines over the 15 rows of random_embedding(15, dim, seed), whose rows 0, 3 and 9 are
// zero: shorter and longer than max_len 6, one of exactly 6, an empty one, one of nothing but zero
// rows, and one unlabelled.
inline Headlines mixed_headlines() {
    return {{
                {1, 2, 5},
                {4, 6, 7, 8, 10, 11, 12},  // longer than max_len 6
                {14, 13},
                {0, 3, 9},  // nothing but zero rows
                {2, 4, 6, 8, 10, 12},
                {11, 1, 14, 5, 7, 13, 2, 6, 3},
                {},
                {7},
            },
            {0, 1, 2, 3, 1, -1, 2, 0}};
}

}  // namespace newsclf::test
