#include "newsclf/training/data_split.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "newsclf/base/error.hpp"
#include "newsclf/base/md5.hpp"
#include "newsclf/base/random.hpp"

namespace newsclf {

namespace {

// The story a row belongs to; a row without one is its own story, keyed by record id or row number.
std::string story_key(const TokenCorpus& corpus, std::size_t i) {
    if (!corpus.stories[i].empty()) return corpus.stories[i];
    return corpus.ids[i].empty() ? "#" + std::to_string(i + 1) : "#" + corpus.ids[i];
}

}  // namespace

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
        const std::string key = story_key(corpus, i);
        bool validation = divisor_rule ? md5_mod(key, k) == 0
                                       : static_cast<double>(md5_mod(key, 1000000)) < fraction * 1e6;
        (validation ? split.validation : split.train).push_back(i);
    }
    return split;
}

std::vector<std::size_t> fold_of_rows(const TokenCorpus& corpus, SplitBy split_by, std::size_t folds, std::uint64_t seed) {
    if (folds < 2) throw UsageError("folds: " + std::to_string(folds) + " folds make no cross-validation; give 2 or more");
    const std::size_t n = corpus.size();
    std::vector<std::size_t> fold(n);
    if (split_by == SplitBy::row) {
        std::vector<std::size_t> order(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = i;
        PythonRandom(seed).shuffle(order);
        for (std::size_t p = 0; p < n; ++p) fold[order[p]] = p % folds;
        return fold;
    }
    // Stories in order of first appearance, then shuffled, so that the seed orders stories of one size.
    std::unordered_map<std::string, std::size_t> story_of_key;
    std::vector<std::size_t> story(n), sizes;
    for (std::size_t i = 0; i < n; ++i) {
        auto [it, added] = story_of_key.emplace(story_key(corpus, i), sizes.size());
        if (added) sizes.push_back(0);
        story[i] = it->second;
        ++sizes[it->second];
    }
    std::vector<std::size_t> order(sizes.size());
    for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
    PythonRandom(seed).shuffle(order);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
    std::vector<std::size_t> fold_rows(folds, 0), fold_of_story(sizes.size());
    for (auto s : order) {
        const auto lightest = static_cast<std::size_t>(std::min_element(fold_rows.begin(), fold_rows.end()) - fold_rows.begin());
        fold_of_story[s] = lightest;
        fold_rows[lightest] += sizes[s];
    }
    for (std::size_t i = 0; i < n; ++i) fold[i] = fold_of_story[story[i]];
    return fold;
}

DataSplit fold_split(const TokenCorpus& corpus, SplitBy split_by, std::size_t folds, std::size_t fold, std::uint64_t seed) {
    if (fold < 1 || fold > folds)
        throw UsageError("fold: " + std::to_string(fold) + " is not a fold of " + std::to_string(folds) +
                         "; give 1 to " + std::to_string(folds));
    const std::vector<std::size_t> fold_of = fold_of_rows(corpus, split_by, folds, seed);
    DataSplit split;
    for (std::size_t i = 0; i < corpus.size(); ++i) (fold_of[i] == fold - 1 ? split.validation : split.train).push_back(i);
    if (split.validation.empty())
        throw DataError("fold " + std::to_string(fold) + " of " + std::to_string(folds) + " has no rows: the input has " +
                        std::to_string(corpus.size()) + " rows" + (split_by == SplitBy::story ? ", in fewer stories than folds" : "") +
                        "; give fewer folds");
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
