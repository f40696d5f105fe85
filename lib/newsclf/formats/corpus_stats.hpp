// The data set exploration of newsclf-tokenize --stats, gathered record by record in memory that
// does not grow with the rows: label counts, distinct stories and publishers, and the title
// lengths as histograms, whose percentiles are those of the sorted values.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "newsclf/base/labels.hpp"
#include "newsclf/text/vocabulary.hpp"

namespace newsclf {

// How many of each value: min, mean and the percentiles of the values in sorted order.
class Histogram {
public:
    void add(std::uint64_t value, std::uint64_t times = 1);
    std::uint64_t count() const { return count_; }
    // The value at position p (from 0) of the values sorted.
    std::uint64_t at_rank(std::uint64_t p) const;
    // {"min", "mean", "p50", "p90", "p99", "max"}, or {} with no values.
    std::string json() const;

private:
    std::vector<std::uint64_t> times_;  // by value
    std::uint64_t count_ = 0;
    double sum_ = 0;
};

// The figures of the words, which the tokeniser knows once every record is in.
struct WordFigures {
    std::uint64_t tokens = 0;
    std::size_t distinct_words = 0;
    std::size_t vocabulary_size = 0;
    std::size_t max_words = 0;
    std::uint64_t out_of_vocabulary_tokens = 0;
};

class CorpusStats {
public:
    void add(int label, std::string_view story, std::uint32_t title_chars, std::uint64_t tokens);
    void add_publisher(std::string_view publisher);
    std::size_t rows() const { return title_chars_.count(); }
    // The exploration as one JSON object: rows, labels, stories, publishers, title lengths, tokens,
    // vocabulary size, out-of-vocabulary rate.
    std::string json(const WordFigures& words) const;

private:
    std::array<std::size_t, label_count> labels_{};
    std::size_t unlabelled_ = 0;
    std::unordered_set<std::string> stories_;
    WordCounter publishers_;
    Histogram title_chars_, tokens_per_title_;
};

// Characters (code points) of a UTF-8 title.
std::uint32_t title_chars(std::string_view title);

}  // namespace newsclf
