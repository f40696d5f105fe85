#include "newsclf/formats/corpus_builder.hpp"

#include <algorithm>
#include <unordered_set>

#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/text/tokenizer.hpp"

namespace newsclf {

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
    for_each_token(record.title, normalizer_, [&](std::string_view word) { words_.push_back(counter_.add_word(word)); });
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
std::string distribution_json(std::vector<T> values) {
    if (values.empty()) return "{}";
    std::sort(values.begin(), values.end());
    double sum = 0;
    for (auto v : values) sum += static_cast<double>(v);
    auto pct = [&](double q) { return values[std::min(values.size() - 1, static_cast<std::size_t>(q * static_cast<double>(values.size())))]; };
    return "{\"min\":" + std::to_string(values.front()) + ",\"mean\":" + json_number(sum / static_cast<double>(values.size())) +
           ",\"p50\":" + std::to_string(pct(0.5)) + ",\"p90\":" + std::to_string(pct(0.9)) +
           ",\"p99\":" + std::to_string(pct(0.99)) + ",\"max\":" + std::to_string(values.back()) + "}";
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
    std::string out = "{\"rows\":" + std::to_string(labels_.size());
    out += ",\"labels\":{";
    for (std::size_t c = 0; c < label_count; ++c)
        out += (c ? "," : "") + json_string(label_codes[c]) + ":" + std::to_string(label_counts[c]);
    out += "},\"unlabelled\":" + std::to_string(unlabelled);
    out += ",\"stories\":" + std::to_string(stories.size());
    out += ",\"publishers\":" + std::to_string(publishers_.distinct_words());
    out += ",\"title_chars\":" + distribution_json(title_chars_);
    out += ",\"tokens_per_title\":" + distribution_json(tokens_per_title);
    out += ",\"tokens\":" + std::to_string(total);
    out += ",\"distinct_words\":" + std::to_string(counter_.distinct_words());
    out += ",\"vocabulary_size\":" + std::to_string(vocabulary);
    out += ",\"max_words\":" + std::to_string(given_ || max_words_ == 0 ? vocabulary + 1 : max_words_);
    out += ",\"out_of_vocabulary_tokens\":" + std::to_string(oov);
    out += ",\"out_of_vocabulary_rate\":" + json_number(total ? static_cast<double>(oov) / static_cast<double>(total) : 0.0);
    return out + "}";
}

std::string token_record_json(const TokenCorpus& corpus, std::size_t i) {
    std::string out = "{\"id\":" + json_string(corpus.ids[i]) + ",\"label\":";
    out += corpus.labels[i] >= 0 ? json_string(label_codes[static_cast<std::size_t>(corpus.labels[i])]) : "null";
    out += ",\"story\":" + json_string(corpus.stories[i]) + ",\"tokens\":[";
    const std::uint32_t* t = corpus.tokens_of(i);
    for (std::size_t k = 0; k < corpus.length(i); ++k) out += (k ? "," : "") + std::to_string(t[k]);
    return out + "]}";
}

}  // namespace newsclf
