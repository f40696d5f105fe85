#include "newsclf/text/vocabulary.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/text/utf8.hpp"

namespace newsclf {

std::uint64_t WordSlots::hash(std::string_view s) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    const char* p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    std::uint64_t v = 0;
    std::memcpy(&v, p, n);
    h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

void WordSlots::reserve(std::size_t words) {
    if (2 * words > slots_.size() && count_ == 0) {
        std::size_t capacity = 16;
        while (capacity < 2 * words) capacity *= 2;
        resize(capacity);
    }
}

void WordSlots::resize(std::size_t capacity) {
    capacity = std::max<std::size_t>(capacity, 16);
    slots_.assign(capacity, Slot{0, 0, 0});
    mask_ = capacity - 1;
}

void WordSlots::place(std::uint64_t h, std::string_view word, std::size_t position) {
    std::uint64_t at = h & mask_;
    while (slots_[at].position != 0) at = (at + 1) & mask_;
    slots_[at] = {head_of(word), key_of(word, h), static_cast<std::uint32_t>(position + 1)};
}

Vocabulary::Vocabulary(std::vector<std::string> words) : words_(std::move(words)) {
    slots_.reserve(words_.size());
    auto word_at = [this](std::size_t p) -> const std::string& { return words_[p]; };
    for (std::size_t i = 0; i < words_.size(); ++i) {
        const std::uint64_t h = WordSlots::hash(words_[i]);
        if (slots_.find(words_[i], h, word_at) == WordSlots::npos) slots_.insert(h, i, word_at);  // the first wins
    }
}

std::uint32_t Vocabulary::index_of(std::string_view word) const {
    auto word_at = [this](std::size_t p) -> const std::string& { return words_[p]; };
    const std::size_t p = slots_.find(word, WordSlots::hash(word), word_at);
    return p == WordSlots::npos ? 0 : static_cast<std::uint32_t>(p + 1);
}

std::uint64_t Vocabulary::fingerprint() const {
    std::uint64_t h = 1469598103934665603ull;
    for (const auto& w : words_) {
        for (unsigned char c : w) h = (h ^ c) * 1099511628211ull;
        h = (h ^ '\n') * 1099511628211ull;
    }
    return h;
}

std::string Vocabulary::to_text() const {
    std::string out;
    for (const auto& w : words_) {
        out += w;
        out += '\n';
    }
    return out;
}

namespace {

Vocabulary parse_json_vocabulary(std::string_view bytes, const std::string& source) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto error = parser.parse(bytes.data(), bytes.size(), true).get(doc))
        throw DataError(where(source) + "not valid JSON: " + simdjson::error_message(error));
    std::vector<std::string> words;
    if (doc.is_array()) {
        for (auto value : doc.get_array()) {
            std::string_view w;
            if (value.get_string().get(w))
                throw DataError(where(source) + "entry " + std::to_string(words.size() + 1) + " of the array is not a string");
            words.emplace_back(w);
        }
    } else if (doc.is_object()) {
        std::vector<std::pair<uint64_t, std::string>> entries;
        for (auto [key, value] : doc.get_object()) {
            uint64_t index;
            if (value.get_uint64().get(index) || index == 0)
                throw DataError(where(source) + "the index of \"" + std::string(key) + "\" is not a positive integer");
            entries.emplace_back(index, std::string(key));
        }
        std::sort(entries.begin(), entries.end());
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (entries[i].first != i + 1)
                throw DataError(where(source) + "indices must run 1, 2, 3, ... without gaps; \"" + entries[i].second +
                                "\" has " + std::to_string(entries[i].first));
            words.push_back(std::move(entries[i].second));
        }
    } else {
        throw DataError(where(source) + "expected a JSON array of words or an object {\"word\": index}");
    }
    Vocabulary v(std::move(words));
    for (std::uint32_t i = 1; i <= v.size(); ++i)
        if (v.index_of(v.word(i)) != i)
            throw DataError(where(source) + "\"" + v.word(i) + "\" appears twice, as " + std::to_string(v.index_of(v.word(i))) +
                            " and " + std::to_string(i));
    return v;
}

}  // namespace

Vocabulary parse_vocabulary(std::string_view bytes, const std::string& source) {
    bytes = without_utf8_bom(bytes);
    std::size_t first = bytes.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (bytes[first] == '[' || bytes[first] == '{'))
        return parse_json_vocabulary(bytes, source);
    std::vector<std::string> words;
    std::size_t line = 0;
    for (std::size_t start = 0; start < bytes.size();) {
        std::size_t nl = bytes.find('\n', start);
        std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
        std::string_view w = bytes.substr(start, end - start);
        start = end + 1;
        ++line;
        if (w.empty()) throw DataError(where(source, line) + "empty line: one word a line expected");
        if (w.back() == '\r') throw DataError(where(source, line) + "line ends with CR (CRLF line ends); convert with dos2unix");
        if (find_invalid_utf8(w) != std::string_view::npos) throw DataError(where(source, line) + "invalid UTF-8");
        words.emplace_back(w);
    }
    if (words.empty()) throw DataError(where(source) + "the vocabulary is empty");
    Vocabulary v(words);
    // a repeated word would be unreachable (the index keeps its first line): refuse it
    for (std::size_t i = 0; i < words.size(); ++i)
        if (v.index_of(words[i]) != i + 1)
            throw DataError(where(source, i + 1) + "\"" + words[i] + "\" repeats line " + std::to_string(v.index_of(words[i])));
    return v;
}

std::uint32_t WordCounter::add_word(std::string_view word, std::uint64_t h, std::uint64_t times) {
    auto word_at = [this](std::size_t p) -> const std::string& { return words_[p].first; };
    std::size_t p = slots_.find(word, h, word_at);
    if (p == WordSlots::npos) {
        p = words_.size();
        words_.emplace_back(word, 0);
        slots_.insert(h, p, word_at);
    }
    words_[p].second += times;
    total_ += times;
    return static_cast<std::uint32_t>(p);
}

void WordCounter::add(const std::vector<std::string>& tokens) {
    for (const auto& t : tokens) add_word(t);
}

std::vector<std::uint32_t> WordCounter::index_by_first_appearance(std::size_t max_words) const {
    std::vector<std::size_t> order = ranking();
    std::vector<std::uint32_t> index(words_.size(), 0);
    std::size_t keep = words_kept(max_words, order.size());
    for (std::size_t i = 0; i < keep; ++i) index[order[i]] = static_cast<std::uint32_t>(i + 1);
    return index;
}

std::vector<std::size_t> WordCounter::ranking() const {
    std::vector<std::size_t> order(words_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return words_[a].second > words_[b].second; });
    return order;
}

Vocabulary WordCounter::vocabulary(std::size_t max_words) const {
    std::vector<std::size_t> order = ranking();
    std::size_t keep = words_kept(max_words, order.size());
    std::vector<std::string> words;
    words.reserve(keep);
    for (std::size_t i = 0; i < keep; ++i) words.push_back(words_[order[i]].first);
    return Vocabulary(std::move(words));
}

std::uint64_t WordCounter::out_of_vocabulary_tokens(std::size_t max_words) const {
    std::vector<std::size_t> order = ranking();
    std::uint64_t oov = 0;
    for (std::size_t i = words_kept(max_words, order.size()); i < order.size(); ++i) oov += words_[order[i]].second;
    return oov;
}

bool is_prefix_of(const Vocabulary& prefix, const Vocabulary& whole) {
    return prefix.size() <= whole.size() && std::equal(prefix.words().begin(), prefix.words().end(), whole.words().begin());
}

}  // namespace newsclf
