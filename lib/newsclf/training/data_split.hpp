// Training and validation rows of a corpus: by shuffled rows, or by whole stories; one split, or
// the k folds of a cross-validation.
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
// k-fold cross-validation: each row's fold, 0 to folds - 1, the same for any arch. row:
// Python's random.Random(seed).shuffle of the row numbers, the row at position p in fold
// p % folds. story: whole stories (keyed as split_rows keys them) shuffled by seed, then the
// largest first, each to the fold with the fewest rows so far (scikit-learn's GroupKFold, in a
// seeded order), so no story is in two folds and fold sizes differ by at most the largest story.
// A UsageError for folds below 2.
std::vector<std::size_t> fold_of_rows(const TokenCorpus& corpus, SplitBy split_by, std::size_t folds, std::uint64_t seed);
// Fold `fold` (1 to folds) as validation, the other folds as training. A UsageError for a fold
// out of range; a DataError when the fold has no rows (fewer rows or stories than folds).
DataSplit fold_split(const TokenCorpus& corpus, SplitBy split_by, std::size_t folds, std::size_t fold, std::uint64_t seed);
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
