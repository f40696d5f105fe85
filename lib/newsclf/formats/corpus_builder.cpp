#include "newsclf/formats/corpus_builder.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/text/tokenizer.hpp"

namespace newsclf {

std::size_t parse_max_words(const std::string& text) {
    constexpr std::uint64_t most = std::uint64_t{1} << 31;
    std::uint64_t v = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    const bool number = !text.empty() && res.ec == std::errc() && res.ptr == text.data() + text.size();
    if (!number || v == 1 || v > most)
        throw UsageError("must be 0 (every word) or in [2, 2147483648], not " + text);
    return static_cast<std::size_t>(v);
}

CorpusBuilder::CorpusBuilder(const NormalizerSettings& normalizer, std::size_t max_words, std::optional<Vocabulary> given)
    : normalizer_(normalizer), max_words_(max_words), given_(std::move(given)) {}

void CorpusBuilder::add(const NewsRecord& record) {
    labels_.push_back(static_cast<std::int8_t>(record.label));
    ids_.push_back(record.id);
    stories_.push_back(record.story);
    if (!record.publisher.empty()) publishers_.add_word(record.publisher);
    std::uint32_t chars = 0;
    for (unsigned char c : record.title) chars += (c & 0xC0) != 0x80;
    title_chars_.push_back(chars);
    for_each_token(record.title, record.words ? word_settings(normalizer_) : normalizer_, [&](std::string_view word) { words_.push_back(counter_.add_word(word)); });
    offsets_.push_back(words_.size());
}

std::vector<std::uint32_t> CorpusBuilder::vocabulary_index() const {
    if (!given_) return counter_.index_by_first_appearance(max_words_);
    std::vector<std::uint32_t> index(counter_.distinct_words());
    for (std::size_t k = 0; k < index.size(); ++k) index[k] = given_->index_of(counter_.word(k));
    return index;
}

Vocabulary CorpusBuilder::vocabulary() const { return given_ ? *given_ : counter_.vocabulary(max_words_); }

TokenStream CorpusBuilder::finish() const {
    TokenStream ts;
    ts.info.normalizer = normalizer_;
    ts.info.vocabulary = vocabulary();
    ts.info.max_words = given_ || max_words_ == 0 ? ts.info.vocabulary.size() + 1 : max_words_;
    const std::vector<std::uint32_t> index = vocabulary_index();
    TokenCorpus& c = ts.corpus;
    c.labels = labels_;
    c.ids = ids_;
    c.stories = stories_;
    c.tokens.reserve(words_.size());
    for (std::size_t r = 0; r < labels_.size(); ++r) {
        for (std::uint64_t k = offsets_[r]; k < offsets_[r + 1]; ++k)
            if (std::uint32_t id = index[words_[k]]) c.tokens.push_back(id);
        c.offsets.push_back(c.tokens.size());
    }
    return ts;
}

std::string CorpusBuilder::fasttext_line(std::size_t i) const {
    std::string out;
    if (labels_[i] >= 0) out = "__label__" + std::string(label_codes[static_cast<std::size_t>(labels_[i])]);
    for (std::uint64_t k = offsets_[i]; k < offsets_[i + 1]; ++k) {
        if (!out.empty()) out += ' ';
        out += counter_.word(words_[k]);
    }
    return out;
}

namespace {

template <class T>
void write_distribution(JsonWriter& w, std::vector<T> values) {
    w.begin_object();
    if (!values.empty()) {
        std::sort(values.begin(), values.end());
        double sum = 0;
        for (auto v : values) sum += static_cast<double>(v);
        auto pct = [&](double q) { return values[std::min(values.size() - 1, static_cast<std::size_t>(q * static_cast<double>(values.size())))]; };
        w.member("min", values.front()).member("mean", sum / static_cast<double>(values.size()));
        w.member("p50", pct(0.5)).member("p90", pct(0.9)).member("p99", pct(0.99)).member("max", values.back());
    }
    w.end_object();
}

}  // namespace

std::string CorpusBuilder::stats_json() const {
    std::array<std::size_t, label_count> label_counts{};
    std::size_t unlabelled = 0;
    for (auto l : labels_) {
        if (l >= 0) ++label_counts[static_cast<std::size_t>(l)];
        else ++unlabelled;
    }
    std::unordered_set<std::string> stories;
    for (const auto& s : stories_)
        if (!s.empty()) stories.insert(s);
    std::vector<std::uint64_t> tokens_per_title(labels_.size());
    for (std::size_t r = 0; r < labels_.size(); ++r) tokens_per_title[r] = offsets_[r + 1] - offsets_[r];
    std::uint64_t oov = 0;
    if (given_) {
        const std::vector<std::uint32_t> index = vocabulary_index();
        for (auto w : words_) oov += index[w] == 0;
    } else {
        oov = counter_.out_of_vocabulary_tokens(max_words_);
    }
    std::uint64_t total = counter_.total_tokens();
    std::size_t vocabulary = given_ ? given_->size() : words_kept(max_words_, counter_.distinct_words());
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("rows", labels_.size());
    w.key("labels").begin_object();
    for (std::size_t c = 0; c < label_count; ++c) w.member(label_codes[c], label_counts[c]);
    w.end_object();
    w.member("unlabelled", unlabelled);
    w.member("stories", stories.size());
    w.member("publishers", publishers_.distinct_words());
    write_distribution(w.key("title_chars"), title_chars_);
    write_distribution(w.key("tokens_per_title"), tokens_per_title);
    w.member("tokens", total);
    w.member("distinct_words", counter_.distinct_words());
    w.member("vocabulary_size", vocabulary);
    w.member("max_words", given_ || max_words_ == 0 ? vocabulary + 1 : max_words_);
    w.member("out_of_vocabulary_tokens", oov);
    w.member("out_of_vocabulary_rate", total ? static_cast<double>(oov) / static_cast<double>(total) : 0.0);
    w.end_object();
    return out;
}

std::string token_record_json(const TokenCorpus& corpus, std::size_t i) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("id", corpus.ids[i]).key("label");
    if (corpus.labels[i] >= 0) w.value(label_codes[static_cast<std::size_t>(corpus.labels[i])]);
    else w.null();
    w.member("story", corpus.stories[i]).key("tokens").begin_array();
    const std::uint32_t* t = corpus.tokens_of(i);
    for (std::size_t k = 0; k < corpus.length(i); ++k) w.value(t[k]);
    w.end_array().end_object();
    return out;
}

std::string token_record_fasttext(const TokenStream& stream, std::size_t i) {
    const TokenCorpus& corpus = stream.corpus;
    std::string out;
    if (corpus.labels[i] >= 0) out = "__label__" + std::string(label_codes[static_cast<std::size_t>(corpus.labels[i])]);
    const std::uint32_t* t = corpus.tokens_of(i);
    for (std::size_t k = 0; k < corpus.length(i); ++k) {
        if (t[k] == 0) continue;
        if (!out.empty()) out += ' ';
        out += stream.info.vocabulary.word(t[k]);
    }
    return out;
}

}  // namespace newsclf
