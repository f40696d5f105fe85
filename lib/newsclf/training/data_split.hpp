// Training and validation rows of a corpus: by shuffled rows, or by whole stories.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "newsclf/training/fit_options.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/text/token_corpus.hpp"

namespace newsclf {

struct DataSplit {
    std::vector<std::size_t> train, validation;  // row indices, in input order
};

enum class SplitBy { row, story };
// "row" or "story"; anything else is a UsageError naming the choices.
SplitBy split_by_named(const std::string& name);

// row: Python's random.Random(seed).shuffle of the row numbers; the first int(n * (1 - fraction)) train.
// story: whole stories by MD5 of STORY; with fraction 1/k a story is validation when
// int(md5(STORY), 16) % k == 0, otherwise when it % 1000000 < fraction * 1000000. Rows without a
// story are their own story (keyed by record id, or row number).
DataSplit split_rows(const TokenCorpus& corpus, SplitBy split_by, double fraction, std::uint64_t seed);
// The same with split_by by name (FitOptions keeps it so, for the model file's metadata).
DataSplit split_rows(const TokenCorpus& corpus, const std::string& split_by, double fraction, std::uint64_t seed);
// A DataError when split has no training rows, in the same words for every arch: the input holds
// no record, or the split sent every row to validation.
void require_training_rows(const DataSplit& split);
// The records at rows (indices, in that order) as a token stream of their own, with the same
// vocabulary and normaliser: one side of a split, written once so that every fit and evaluation
// reads the same rows.
TokenStream select_rows(const TokenStream& tokens, const std::vector<std::size_t>& rows);
// The rows of a named subset: "all", "train" or "validation"; a model trained without a split
// (validation_split 0) has only "all", the others are a UsageError that says what to do.
std::vector<std::size_t> subset_rows(const TokenCorpus& corpus, const std::string& subset, const FitOptions& options);

}  // namespace newsclf
