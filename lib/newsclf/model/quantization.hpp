// Compact bag and linear models, as fastText's quantize makes a .ftz: the rows of their large
// tables pruned to those that weigh most, and every row kept as 8- or 4-bit integers with a scale
// of its own (q8 or q4 storage, model format 1.3).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "newsclf/training/model.hpp"

namespace newsclf {

struct QuantizeOptions {
    std::size_t cutoff = 0;  // rows the tables keep together, those that weigh most; 0: every row
    int bits = 8;            // 8 (q8) or 4 (q4)
};

// What quantization did to one table.
struct QuantizedTable {
    std::string name;
    std::size_t rows = 0, kept = 0;  // kept: rows not all zero afterwards
};

// The archs whose models quantize: those whose large tables are f16 (bag, linear).
bool quantizable_arch(const std::string& arch);

// Prunes and quantizes the model in place and renews its self-tests. A row weighs the norm of the
// class scores it moves, less their mean (which the softmax ignores): for a bag without a hidden
// layer through its part of the output kernel, so that word and n-gram rows compete for the
// cutoff in the same currency; otherwise the row's own L2 norm. A linear model's idf follows its
// weights' rows: a pruned feature is gone from the TF-IDF vector as a word outside the vocabulary
// is. Throws UsageError for another arch, an ensemble or bits other than 8 and 4.
std::vector<QuantizedTable> quantize_model(Model& model, const QuantizeOptions& options);

}  // namespace newsclf
