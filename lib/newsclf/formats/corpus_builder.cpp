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

Vocabulary kept_vocabulary(const WordCounter& counter, std::size_t max_words, const std::optional<Vocabulary>& given) {
    return given ? *given : counter.vocabulary(max_words);
}

std::vector<std::uint32_t> kept_index(const WordCounter& counter, std::size_t max_words, const std::optional<Vocabulary>& given) {
    if (!given) return counter.index_by_first_appearance(max_words);
    std::vector<std::uint32_t> index(counter.distinct_words());
    for (std::size_t k = 0; k < index.size(); ++k) index[k] = given->index_of(counter.word(k));
    return index;
}

std::uint64_t stream_max_words(std::size_t max_words, const std::optional<Vocabulary>& given, std::size_t vocabulary_size) {
    return given || max_words == 0 ? vocabulary_size + 1 : max_words;
}

WordFigures word_figures(const WordCounter& counter, std::size_t max_words, const std::optional<Vocabulary>& given) {
    WordFigures f;
    f.tokens = counter.total_tokens();
    f.distinct_words = counter.distinct_words();
    if (given) {
        const std::vector<std::uint32_t> index = kept_index(counter, max_words, given);
        for (std::size_t k = 0; k < index.size(); ++k)
            if (index[k] == 0) f.out_of_vocabulary_tokens += counter.count(k);
    } else {
        f.out_of_vocabulary_tokens = counter.out_of_vocabulary_tokens(max_words);
    }
    f.vocabulary_size = given ? given->size() : words_kept(max_words, counter.distinct_words());
    f.max_words = stream_max_words(max_words, given, f.vocabulary_size);
    return f;
}

CorpusBuilder::CorpusBuilder(const NormalizerSettings& normalizer, std::size_t max_words, std::optional<Vocabulary> given)
    : normalizer_(normalizer), max_words_(max_words), given_(std::move(given)) {}

void CorpusBuilder::add(const NewsRecord& record) {
    labels_.push_back(static_cast<std::int8_t>(record.label));
    ids_.push_back(record.id);
    stories_.push_back(record.story);
    stats_.add_publisher(record.publisher);
    for_each_token(record.title, record.words ? word_settings(normalizer_) : normalizer_, [&](std::string_view word) { words_.push_back(counter_.add_word(word)); });
    offsets_.push_back(words_.size());
    stats_.add(record.label, record.story, title_chars(record.title), offsets_.back() - offsets_[offsets_.size() - 2]);
}

Vocabulary CorpusBuilder::vocabulary() const { return kept_vocabulary(counter_, max_words_, given_); }

TokenStream CorpusBuilder::finish() const {
    TokenStream ts;
    ts.info.normalizer = normalizer_;
    ts.info.vocabulary = vocabulary();
    ts.info.max_words = stream_max_words(max_words_, given_, ts.info.vocabulary.size());
    const std::vector<std::uint32_t> index = kept_index(counter_, max_words_, given_);
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
    append_fasttext_record(out, labels_[i], offsets_[i + 1] - offsets_[i],
                           [&](std::size_t k) -> std::string_view { return counter_.word(words_[offsets_[i] + k]); });
    return out;
}

std::string CorpusBuilder::stats_json() const { return stats_.json(word_figures(counter_, max_words_, given_)); }

namespace {

void append_record_json(std::string& out, int label, std::string_view id, std::string_view story,
                        const std::uint32_t* tokens, std::size_t count) {
    JsonWriter w(out);
    w.begin_object().member("id", id).key("label");
    if (label >= 0) w.value(label_codes[static_cast<std::size_t>(label)]);
    else w.null();
    w.member("story", story).key("tokens").begin_array();
    for (std::size_t k = 0; k < count; ++k) w.value(tokens[k]);
    w.end_array().end_object();
}

}  // namespace

void append_token_record_json(std::string& out, int label, std::string_view id, std::string_view story,
                              const std::vector<std::uint32_t>& tokens) {
    append_record_json(out, label, id, story, tokens.data(), tokens.size());
}

std::string token_record_json(const TokenCorpus& corpus, std::size_t i) {
    std::string out;
    append_record_json(out, corpus.labels[i], corpus.ids[i], corpus.stories[i], corpus.tokens_of(i), corpus.length(i));
    return out;
}

std::string token_record_fasttext(const TokenStream& stream, std::size_t i) {
    const TokenCorpus& corpus = stream.corpus;
    std::string out;
    const std::uint32_t* t = corpus.tokens_of(i);
    append_fasttext_record(out, corpus.labels[i], corpus.length(i), [&](std::size_t k) -> std::string_view {
        return t[k] == 0 ? std::string_view() : std::string_view(stream.info.vocabulary.word(t[k]));
    });
    return out;
}

}  // namespace newsclf
