// The TF-IDF rows of a corpus, built in row ranges on threads, renumbered for the solver's cache.
#include "newsclf/nn/tfidf_features.hpp"

#include <algorithm>
#include <cstring>

#include "newsclf/base/huge_pages.hpp"
#include "newsclf/base/parallel.hpp"

namespace newsclf {

// Ranges of at least about 1024 rows: a thread costs more than counting fewer.
std::size_t row_chunks(std::size_t rows, std::size_t threads) {
    return std::max<std::size_t>(1, std::min(threads, rows / 1024 + 1));
}

// One buffer holds all rows: each range writes from where the ranges before it would end if
// every n-gram of theirs were distinct, and the gaps are closed afterwards.
SparseMatrix count_features(const TfidfNgrams& ngrams, const TokenCorpus& corpus, const std::vector<std::size_t>& rows,
                          std::size_t threads) {
    const std::size_t chunks = row_chunks(rows.size(), threads);
    auto first_row = [&](std::size_t k) { return rows.size() * k / chunks; };
    std::vector<std::uint64_t> bound(chunks + 1, 0), used(chunks, 0);
    for (std::size_t k = 0; k < chunks; ++k) {
        bound[k + 1] = bound[k];
        for (std::size_t i = first_row(k); i < first_row(k + 1); ++i) bound[k + 1] += corpus.length(rows[i]) * ngrams.ngrams();
    }
    SparseMatrix x;
    assign_on_huge_pages(x.entries, bound[chunks], SparseEntry{});
    x.offsets.assign(rows.size() + 1, 0);
    parallel_for(chunks, chunks, [&](std::size_t k) {
        std::vector<std::uint32_t> scratch;
        std::vector<FeatureCount> counts;
        std::uint64_t at = bound[k];
        for (std::size_t i = first_row(k); i < first_row(k + 1); ++i) {
            const std::size_t r = rows[i];
            ngrams.count({corpus.tokens_of(r), corpus.length(r)}, scratch, counts);
            for (const FeatureCount& f : counts) x.entries[at++] = {f.index, static_cast<float>(f.count)};
            x.offsets[i + 1] = at;
        }
        used[k] = at - bound[k];
    });
    std::uint64_t end = used[0];
    for (std::size_t k = 1; k < chunks; ++k) {
        std::memmove(x.entries.data() + end, x.entries.data() + bound[k], used[k] * sizeof(SparseEntry));
        for (std::size_t i = first_row(k); i < first_row(k + 1); ++i) x.offsets[i + 1] -= bound[k] - end;
        end += used[k];
    }
    x.entries.resize(end);
    return x;
}

std::vector<std::uint32_t> document_frequencies(const SparseMatrix& counts, std::size_t features) {
    std::vector<std::uint32_t> df;
    assign_on_huge_pages(df, features, 0u);
    for (const SparseEntry& e : counts.entries) ++df[e.index];
    return df;
}

std::vector<std::uint32_t> renumber_by_frequency(std::vector<std::uint32_t>& df, std::size_t documents) {
    std::vector<std::uint32_t> first(documents + 2, 0);  // a counting sort on documents - df
    for (std::uint32_t d : df)
        if (d > 0) ++first[documents - d + 1];
    for (std::size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
    std::vector<std::uint32_t> order(first.back());
    for (std::size_t j = 0; j < df.size(); ++j) {
        if (df[j] == 0) {
            df[j] = no_feature;
            continue;
        }
        const std::uint32_t k = first[documents - df[j]]++;
        order[k] = static_cast<std::uint32_t>(j);
        df[j] = k;
    }
    return order;
}

// The dropped features (the idf is 0 for them) go in a last pass, when there are any.
void counts_to_tfidf(SparseMatrix& x, const float* idf, const std::vector<std::uint32_t>& number, std::size_t threads) {
    const std::size_t rows = x.size(), chunks = row_chunks(rows, threads);
    std::vector<char> dropped(chunks, 0);
    parallel_for(chunks, chunks, [&](std::size_t k) {
        std::vector<FeatureCount> counts;
        std::vector<float> values;
        for (std::size_t r = rows * k / chunks; r < rows * (k + 1) / chunks; ++r) {
            SparseEntry* e = x.entries.data() + x.offsets[r];
            const std::size_t n = x.offsets[r + 1] - x.offsets[r];
            counts.resize(n);
            values.resize(n);
            for (std::size_t i = 0; i < n; ++i) counts[i] = {e[i].index, static_cast<std::uint32_t>(e[i].value)};
            TfidfNgrams::values(counts.data(), n, idf, values.data());
            for (std::size_t i = 0; i < n; ++i) {
                e[i] = {number[e[i].index], values[i]};
                dropped[k] |= e[i].index == no_feature;
            }
        }
    });
    if (std::none_of(dropped.begin(), dropped.end(), [](char d) { return d; })) return;
    std::uint64_t end = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::uint64_t begin = x.offsets[r];
        x.offsets[r] = end;
        for (std::uint64_t k = begin; k < x.offsets[r + 1]; ++k)
            if (x.entries[k].index != no_feature) x.entries[end++] = x.entries[k];
    }
    x.offsets[rows] = end;
    x.entries.resize(end);
}

}  // namespace newsclf
