#include "newsclf/formats/corpus_stats.hpp"

#include <algorithm>

#include "newsclf/base/json.hpp"

namespace newsclf {

void Histogram::add(std::uint64_t value, std::uint64_t times) {
    if (value >= times_.size()) times_.resize(static_cast<std::size_t>(value) + 1, 0);
    times_[static_cast<std::size_t>(value)] += times;
    count_ += times;
    sum_ += static_cast<double>(value) * static_cast<double>(times);
}

std::uint64_t Histogram::at_rank(std::uint64_t p) const {
    std::uint64_t seen = 0;
    for (std::size_t v = 0; v < times_.size(); ++v) {
        seen += times_[v];
        if (seen > p) return v;
    }
    return times_.empty() ? 0 : times_.size() - 1;
}

std::string Histogram::json() const {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    if (count_ > 0) {
        auto pct = [&](double q) { return at_rank(std::min(count_ - 1, static_cast<std::uint64_t>(q * static_cast<double>(count_)))); };
        w.member("min", at_rank(0)).member("mean", sum_ / static_cast<double>(count_));
        w.member("p50", pct(0.5)).member("p90", pct(0.9)).member("p99", pct(0.99)).member("max", at_rank(count_ - 1));
    }
    w.end_object();
    return out;
}

void CorpusStats::add(int label, std::string_view story, std::uint32_t title_chars, std::uint64_t tokens) {
    if (label >= 0) ++labels_[static_cast<std::size_t>(label)];
    else ++unlabelled_;
    if (!story.empty()) stories_.emplace(story);
    title_chars_.add(title_chars);
    tokens_per_title_.add(tokens);
}

void CorpusStats::add_publisher(std::string_view publisher) {
    if (!publisher.empty()) publishers_.add_word(publisher);
}

std::string CorpusStats::json(const WordFigures& words) const {
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("rows", rows());
    w.key("labels").begin_object();
    for (std::size_t c = 0; c < label_count; ++c) w.member(label_codes[c], labels_[c]);
    w.end_object();
    w.member("unlabelled", unlabelled_);
    w.member("stories", stories_.size());
    w.member("publishers", publishers_.distinct_words());
    w.key("title_chars").raw(title_chars_.json());
    w.key("tokens_per_title").raw(tokens_per_title_.json());
    w.member("tokens", words.tokens);
    w.member("distinct_words", words.distinct_words);
    w.member("vocabulary_size", words.vocabulary_size);
    w.member("max_words", words.max_words);
    w.member("out_of_vocabulary_tokens", words.out_of_vocabulary_tokens);
    w.member("out_of_vocabulary_rate",
             words.tokens ? static_cast<double>(words.out_of_vocabulary_tokens) / static_cast<double>(words.tokens) : 0.0);
    w.end_object();
    return out;
}

std::uint32_t title_chars(std::string_view title) {
    std::uint32_t chars = 0;
    for (unsigned char c : title) chars += (c & 0xC0) != 0x80;
    return chars;
}

}  // namespace newsclf
