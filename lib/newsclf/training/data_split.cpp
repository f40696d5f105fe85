#include "newsclf/training/data_split.hpp"

#include <cmath>

#include "newsclf/base/error.hpp"
#include "newsclf/base/md5.hpp"
#include "newsclf/base/random.hpp"

namespace newsclf {

void require_training_rows(const DataSplit& split) {
    if (split.train.empty()) throw DataError("no training rows: the input is empty or everything went to validation");
}

SplitBy split_by_named(const std::string& name) {
    if (name == "row") return SplitBy::row;
    if (name == "story") return SplitBy::story;
    throw UsageError("split_by: \"" + name + "\" is not one of row, story");
}

DataSplit split_rows(const TokenCorpus& corpus, const std::string& split_by, double fraction, std::uint64_t seed) {
    return split_rows(corpus, split_by_named(split_by), fraction, seed);
}

DataSplit split_rows(const TokenCorpus& corpus, SplitBy split_by, double fraction, std::uint64_t seed) {
    DataSplit split;
    const std::size_t n = corpus.size();
    if (fraction <= 0.0) {
        split.train.resize(n);
        for (std::size_t i = 0; i < n; ++i) split.train[i] = i;
        return split;
    }
    if (split_by == SplitBy::row) {
        std::vector<std::size_t> order(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = i;
        PythonRandom(seed).shuffle(order);
        std::size_t train_count = static_cast<std::size_t>(std::floor(static_cast<double>(n) * (1.0 - fraction)));
        std::vector<bool> is_train(n, false);
        for (std::size_t i = 0; i < train_count; ++i) is_train[order[i]] = true;
        for (std::size_t i = 0; i < n; ++i) (is_train[i] ? split.train : split.validation).push_back(i);
        return split;
    }
    const double inverse = 1.0 / fraction;
    const auto k = static_cast<std::uint64_t>(std::llround(inverse));
    const bool divisor_rule = std::fabs(inverse - static_cast<double>(k)) < 1e-9;
    for (std::size_t i = 0; i < n; ++i) {
        std::string key = corpus.stories[i];
        if (key.empty()) key = corpus.ids[i].empty() ? "#" + std::to_string(i + 1) : "#" + corpus.ids[i];
        bool validation = divisor_rule ? md5_mod(key, k) == 0
                                       : static_cast<double>(md5_mod(key, 1000000)) < fraction * 1e6;
        (validation ? split.validation : split.train).push_back(i);
    }
    return split;
}

TokenStream select_rows(const TokenStream& tokens, const std::vector<std::size_t>& rows) {
    TokenStream out;
    out.info = tokens.info;
    const TokenCorpus& c = tokens.corpus;
    for (auto r : rows)
        out.corpus.add(c.labels[r], c.ids[r], c.stories[r], std::vector<std::uint32_t>(c.tokens_of(r), c.tokens_of(r) + c.length(r)));
    return out;
}

std::vector<std::size_t> subset_rows(const TokenCorpus& corpus, const std::string& subset, const FitOptions& options) {
    if (subset == "all") {
        std::vector<std::size_t> rows(corpus.size());
        for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
        return rows;
    }
    if (options.validation_split <= 0.0)
        throw UsageError("the model was trained without a validation split (validation_split 0, or a --validation "
                         "file), so it has no " + subset + " subset to make again: evaluate that file, with --subset all");
    DataSplit split = split_rows(corpus, options.split_by, options.validation_split, options.seed);
    if (subset == "train") return split.train;
    if (subset == "validation") return split.validation;
    throw UsageError("unknown subset \"" + subset + "\": expected all, train or validation");
}

}  // namespace newsclf
