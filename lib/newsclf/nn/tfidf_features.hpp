// The TF-IDF rows of corpus rows for a linear solver: counted n-gram features (tfidf_ngrams.hpp),
// document frequencies, features renumbered by falling frequency so that the weights most rows
// touch share a few cache lines, and the counts turned into TF-IDF values.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "newsclf/nn/sparse_matrix.hpp"
#include "newsclf/nn/tfidf_ngrams.hpp"
#include "newsclf/text/token_corpus.hpp"

namespace newsclf {

// The new number of a feature no training row has.
inline constexpr std::uint32_t no_feature = std::numeric_limits<std::uint32_t>::max();

// How many ranges of rows to build on up to `threads` threads: each of about 1024 rows or more.
std::size_t row_chunks(std::size_t rows, std::size_t threads);

// The counted features (TfidfNgrams::count) of the given corpus rows, in that order, each entry's
// value its count; built in row ranges on up to `threads` threads, the same matrix whatever
// their number.
SparseMatrix count_features(const TfidfNgrams& ngrams, const TokenCorpus& corpus, const std::vector<std::size_t>& rows,
                            std::size_t threads);
// Of each of `features` features, the number of rows of counts that have it.
std::vector<std::uint32_t> document_frequencies(const SparseMatrix& counts, std::size_t features);
// Document frequencies in, the features' new numbers out (no_feature for those no row has): by
// falling document frequency, ties by index. Returns the features in their new order.
std::vector<std::uint32_t> renumber_by_frequency(std::vector<std::uint32_t>& df, std::size_t documents);
// Counts to TF-IDF values (TfidfNgrams::values with idf), then renumbered by `number`; features
// it maps to no_feature dropped.
void counts_to_tfidf(SparseMatrix& x, const float* idf, const std::vector<std::uint32_t>& number, std::size_t threads);

}  // namespace newsclf
