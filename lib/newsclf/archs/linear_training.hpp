// Training of the linear arch: the TF-IDF features of the split's rows, one-vs-rest by the dual
// coordinate descent, the temperature from held-out rows.
#pragma once
#include <vector>

#include "newsclf/archs/linear.hpp"
#include "newsclf/text/token_corpus.hpp"
#include "newsclf/training/data_split.hpp"
#include "newsclf/training/distributed.hpp"
#include "newsclf/training/fit_options.hpp"
#include "newsclf/training/history.hpp"

namespace newsclf {

// Fills params (laid out as the network's blocks): idf from the training rows, one binary problem
// per class on options.threads threads (the same model whatever their number), the temperature
// from the validation rows' decision values, or the training rows' when there are none.
// On several ranks (ranks.size() > 1) each holds its shard of split.train (rows i with
// i mod size == rank), the document frequencies are summed over the ranks, and the problems are
// solved together by CoCoA+ (solve_one_vs_rest_cocoa); every rank ends with the same params.
std::vector<EpochResult> train_linear(const LinearNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                      const DataSplit& split, const FitOptions& options, Communicator& ranks);

}  // namespace newsclf
