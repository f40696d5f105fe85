#include "newsclf/nn/packed_sequences.hpp"

#include <algorithm>
#include <numeric>

namespace newsclf {

void pack_lengths(const std::vector<std::size_t>& lengths, PackedSequences& p) {
    const std::size_t n = lengths.size();
    p.row_of_slot.resize(n);
    std::iota(p.row_of_slot.begin(), p.row_of_slot.end(), std::size_t{0});
    std::stable_sort(p.row_of_slot.begin(), p.row_of_slot.end(),
                     [&](std::size_t a, std::size_t b) { return lengths[a] > lengths[b]; });
    p.slot_of_row.resize(n);
    p.lengths.resize(n);
    for (std::size_t s = 0; s < n; ++s) {
        p.slot_of_row[p.row_of_slot[s]] = s;
        p.lengths[s] = lengths[p.row_of_slot[s]];
    }
    const std::size_t steps = n > 0 ? p.lengths[0] : 0;
    p.step_offsets.assign(steps + 1, 0);
    std::size_t running = n;
    for (std::size_t t = 0; t < steps; ++t) {
        while (running > 0 && p.lengths[running - 1] <= t) --running;
        p.step_offsets[t + 1] = p.step_offsets[t] + running;
    }
}

void pack_tokens(const TokenBatch& batch, std::size_t max_len, PackedSequences& packed) {
    std::vector<std::size_t> lengths(batch.size());
    for (std::size_t b = 0; b < batch.size(); ++b) lengths[b] = std::min(batch[b].size, max_len);
    pack_lengths(lengths, packed);
}

}  // namespace newsclf
