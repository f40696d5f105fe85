// A batch of variable-length sequences laid out step-major for a recurrent layer: the rows are
// sorted by length, longest first, so the sequences still running at step t are the first ones
// and their inputs for that step are one contiguous block (PyTorch's packed sequences).
#pragma once
#include <cstddef>
#include <vector>

#include "newsclf/nn/token_batch.hpp"

namespace newsclf {

struct PackedSequences {
    std::vector<std::size_t> row_of_slot;   // slot (rank by length) -> row of the batch
    std::vector<std::size_t> slot_of_row;   // row of the batch -> slot
    std::vector<std::size_t> lengths;       // of each slot, non-increasing
    std::vector<std::size_t> step_offsets;  // steps + 1: step t's entries are [step_offsets[t], step_offsets[t + 1])

    std::size_t slots() const { return lengths.size(); }
    std::size_t steps() const { return step_offsets.size() - 1; }
    std::size_t entries() const { return step_offsets.back(); }
    // Sequences still running at step t: slots 0 .. active(t) - 1.
    std::size_t active(std::size_t t) const { return step_offsets[t + 1] - step_offsets[t]; }
    std::size_t entry(std::size_t t, std::size_t slot) const { return step_offsets[t] + slot; }
};

// Lays out given lengths (a sequence of length 0 gets a slot and no entries). Stable: equal
// lengths keep their batch order, so the layout is a function of the batch alone.
void pack_lengths(const std::vector<std::size_t>& lengths, PackedSequences& packed);

// The layout of a batch's headlines cut to their last max_len tokens (Keras's pad_sequences
// truncates at the front too); the padding positions are not laid out at all.
void pack_tokens(const TokenBatch& batch, std::size_t max_len, PackedSequences& packed);

}  // namespace newsclf
