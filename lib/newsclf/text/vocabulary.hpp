// The word index: words numbered from 1 (0 is padding) by descending frequency, ties in order of
// first appearance, as the Keras Tokenizer numbers them; read from and written as readable text.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace newsclf {

// An open-addressing index (linear probing, at most half full) of words kept elsewhere: each
// slot holds a word's first 8 bytes, a 24-bit tag of its hash, its length (up to 255) and its
// position + 1 (0: empty). word_at(p) must give the word at position p. A word of up to 8 bytes
// is found in its slot alone (same length and bytes); a longer one is then compared with
// word_at's, so a look-up waits on one cache line, not two.
class WordSlots {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    static std::uint64_t hash(std::string_view word);
    void reserve(std::size_t words);

    template <class WordAt>
    std::size_t find(std::string_view word, std::uint64_t h, const WordAt& word_at) const {
        if (slots_.empty()) return npos;
        const std::uint32_t key = key_of(word, h);
        const std::uint64_t head = head_of(word);
        for (std::uint64_t at = h & mask_;; at = (at + 1) & mask_) {
            const Slot& slot = slots_[at];
            if (slot.position == 0) return npos;
            if (slot.key == key && slot.head == head &&
                (word.size() <= sizeof head || word_at(slot.position - 1) == word))
                return slot.position - 1;
        }
    }
    // Adds a word not yet in the index at `position`.
    template <class WordAt>
    void insert(std::uint64_t h, std::size_t position, const WordAt& word_at) {
        if (2 * (count_ + 1) > slots_.size()) {
            std::vector<Slot> old = std::move(slots_);
            resize(old.size() * 2);
            for (const Slot& slot : old)
                if (slot.position) {
                    const std::string_view word = word_at(slot.position - 1);
                    place(hash(word), word, slot.position - 1);
                }
        }
        place(h, word_at(position), position);
        ++count_;
    }

private:
    struct Slot {
        std::uint64_t head;      // the word's first 8 bytes, zeros after its end
        std::uint32_t key;       // 24 bits of its hash, then its length (255 for any longer)
        std::uint32_t position;  // + 1; 0: empty
    };
    static std::uint32_t key_of(std::string_view word, std::uint64_t h) {
        return static_cast<std::uint32_t>(h >> 40) << 8 | static_cast<std::uint32_t>(std::min<std::size_t>(word.size(), 255));
    }
    static std::uint64_t head_of(std::string_view word) {
        std::uint64_t head = 0;
        std::memcpy(&head, word.data(), std::min(word.size(), sizeof head));
        return head;
    }
    void resize(std::size_t capacity);
    void place(std::uint64_t h, std::string_view word, std::size_t position);
    std::vector<Slot> slots_;
    std::uint64_t mask_ = 0;
    std::size_t count_ = 0;
};

class Vocabulary {
public:
    Vocabulary() = default;
    explicit Vocabulary(std::vector<std::string> words);  // words[0] gets index 1

    // Index of a word, or 0 when it is not in the vocabulary (Keras drops such words).
    std::uint32_t index_of(std::string_view word) const;
    const std::string& word(std::uint32_t index) const { return words_.at(index - 1); }
    std::size_t size() const { return words_.size(); }
    const std::vector<std::string>& words() const { return words_; }
    // FNV-1a 64 of the words joined by '\n': tells two vocabularies apart.
    std::uint64_t fingerprint() const;

    // One word a line, index 1 first.
    std::string to_text() const;

private:
    std::vector<std::string> words_;
    WordSlots slots_;  // positions in words_
};

// Reads one word a line, a JSON array of words in index order, or a JSON object {"word": index}
// (a Keras word_index). Throws DataError naming source and line.
Vocabulary parse_vocabulary(std::string_view bytes, const std::string& source);

// How many of `distinct` words ranked by frequency a max_words keeps: max_words - 1, as Keras's
// num_words does; 0 keeps them all.
inline std::size_t words_kept(std::size_t max_words, std::size_t distinct) {
    return max_words == 0 ? distinct : std::min(distinct, max_words - 1);
}

// Whether `prefix` is `whole`'s first words: the vocabulary of a smaller max_words on the same text.
bool is_prefix_of(const Vocabulary& prefix, const Vocabulary& whole);

// Counts words in order of first appearance, like Keras's fit_on_texts.
class WordCounter {
public:
    void add(const std::vector<std::string>& tokens);
    // Counts a word once; returns its number in order of first appearance (0, 1, 2, ...).
    std::uint32_t add_word(std::string_view word) { return add_word(word, WordSlots::hash(word), 1); }
    // Counts it `times` times, its WordSlots::hash computed before.
    std::uint32_t add_word(std::string_view word, std::uint64_t hash, std::uint64_t times);
    // max_words 0 keeps every word.
    // For each word by order of first appearance, its vocabulary index (0 beyond max_words - 1).
    std::vector<std::uint32_t> index_by_first_appearance(std::size_t max_words) const;
    // The max_words - 1 most frequent words (Keras keeps indices below num_words).
    Vocabulary vocabulary(std::size_t max_words) const;
    std::size_t distinct_words() const { return words_.size(); }
    // The word numbered k in order of first appearance.
    const std::string& word(std::size_t k) const { return words_[k].first; }
    std::uint64_t count(std::size_t k) const { return words_[k].second; }
    std::uint64_t total_tokens() const { return total_; }
    // Tokens whose word is not among the max_words - 1 most frequent.
    std::uint64_t out_of_vocabulary_tokens(std::size_t max_words) const;

private:
    std::vector<std::size_t> ranking() const;
    std::vector<std::pair<std::string, std::uint64_t>> words_;
    WordSlots slots_;  // positions in words_
    std::uint64_t total_ = 0;
};

}  // namespace newsclf
