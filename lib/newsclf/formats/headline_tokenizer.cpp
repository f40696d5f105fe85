#include "newsclf/formats/headline_tokenizer.hpp"

#include <algorithm>
#include <cstring>

#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/text/tokenizer.hpp"

namespace newsclf {
namespace {

// A block's records as bytes, each: label (u8, 0xFF for none), id and story (u32 length, bytes),
// then its words (u32 count, u32 numbers): the block's own numbers when tokenised, the whole
// input's in the spill file.
void put_u32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_string(std::string& out, std::string_view s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
}

struct RecordCursor {
    char* p;
    std::uint32_t u32() {
        std::uint32_t v;
        std::memcpy(&v, p, sizeof v);
        p += sizeof v;
        return v;
    }
    std::string_view string() {
        const std::uint32_t n = u32();
        std::string_view s(p, n);
        p += n;
        return s;
    }
};

// One record read back: its words stay in the piece, where they can be renumbered.
struct SpilledRecord {
    int label;
    std::string_view id, story;
    char* words;  // count u32 numbers, unaligned
    std::uint32_t count;
    std::uint32_t word(std::size_t i) const {
        std::uint32_t v;
        std::memcpy(&v, words + 4 * i, sizeof v);
        return v;
    }
    void set_word(std::size_t i, std::uint32_t v) { std::memcpy(words + 4 * i, &v, sizeof v); }
};

// Calls f(record) for each record of a piece, in order.
template <class F>
void for_each_record(std::string& piece, const F& f) {
    RecordCursor c{piece.data()};
    char* const end = piece.data() + piece.size();
    while (c.p < end) {
        SpilledRecord r;
        const auto label = static_cast<std::uint8_t>(*c.p++);
        r.label = label == 0xFF ? -1 : label;
        r.id = c.string();
        r.story = c.string();
        r.count = c.u32();
        r.words = c.p;
        c.p += 4 * static_cast<std::size_t>(r.count);
        f(r);
    }
}

// A block's words numbered by first appearance, with their counts and hashes: a table made for
// the tokeniser's inner loop, reused block after block. Open addressing (at most half full)
// over slots of a word's full hash and number; the words' bytes one after another in one
// string, so that a look-up touches a slot and, for a hash that matches, one word.
class BlockWords {
public:
    std::uint32_t add(std::string_view word) {
        const std::uint64_t h = WordSlots::hash(word);
        if (2 * (counts_.size() + 1) > slots_.size()) grow();
        for (std::size_t at = h & mask_;; at = (at + 1) & mask_) {
            Slot& slot = slots_[at];
            if (slot.number == 0) {
                slot = {h, static_cast<std::uint32_t>(counts_.size() + 1)};
                bytes_ += word;
                ends_.push_back(bytes_.size());
                counts_.push_back(1);
                hashes_.push_back(h);
                return slot.number - 1;
            }
            if (slot.hash == h && this->word(slot.number - 1) == word) {
                ++counts_[slot.number - 1];
                return slot.number - 1;
            }
        }
    }
    void clear() {
        std::fill(slots_.begin(), slots_.end(), Slot{});
        bytes_.clear();
        ends_.clear();
        counts_.clear();
        hashes_.clear();
    }
    std::size_t size() const { return counts_.size(); }
    std::string_view word(std::size_t k) const {
        const std::size_t start = k == 0 ? 0 : ends_[k - 1];
        return std::string_view(bytes_).substr(start, ends_[k] - start);
    }
    std::uint64_t count(std::size_t k) const { return counts_[k]; }
    std::uint64_t hash(std::size_t k) const { return hashes_[k]; }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t number = 0;  // the word's number + 1; 0: empty
    };
    void grow() {
        slots_.assign(std::max<std::size_t>(1024, 2 * slots_.size()), Slot{});
        mask_ = slots_.size() - 1;
        for (std::size_t k = 0; k < counts_.size(); ++k) {
            std::size_t at = hashes_[k] & mask_;
            while (slots_[at].number != 0) at = (at + 1) & mask_;
            slots_[at] = {hashes_[k], static_cast<std::uint32_t>(k + 1)};
        }
    }
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    std::string bytes_;
    std::vector<std::size_t> ends_;
    std::vector<std::uint64_t> counts_, hashes_;
};

// A block of lines and what its worker made of them.
struct Block {
    std::string lines;
    std::size_t first_line = 0;
    std::string records;                        // block-numbered words
    BlockWords words;                           // the block's words, numbered by first appearance
    std::vector<std::uint32_t> title_chars;     // each record's, for the statistics only
    BlockWords publishers;                      // for the statistics only
    std::vector<std::string> skip_messages;     // the first bad rows skipped (as many as are logged)
    std::size_t skipped = 0;

    void tokenize(const RecordLines& reader, const HeadlineTokenizerOptions& options) {
        records.clear();
        words.clear();
        publishers.clear();
        title_chars.clear();
        skip_messages.clear();
        skipped = 0;
        NewsRecord r;
        std::vector<std::uint32_t> numbers;
        std::size_t line_number = first_line;
        const std::string_view all(lines);
        for (std::size_t start = 0; start < all.size(); ++line_number) {
            std::size_t nl = all.find('\n', start);
            if (nl == std::string_view::npos) nl = all.size();
            const std::string_view line = all.substr(start, nl - start);
            start = nl + 1;
            try {
                reader.parse(line, line_number, r);
            } catch (const DataError& e) {
                if (!options.read.skip_bad) throw;
                if (skip_messages.size() < RecordLines::logged_skips) skip_messages.push_back(e.what());
                ++skipped;
                continue;
            }
            numbers.clear();
            for_each_token(r.title, r.words ? word_settings(options.normalizer) : options.normalizer,
                           [&](std::string_view word) { numbers.push_back(words.add(word)); });
            records += static_cast<char>(r.label < 0 ? 0xFF : r.label);
            put_string(records, r.id);
            put_string(records, r.story);
            put_u32(records, static_cast<std::uint32_t>(numbers.size()));
            records.append(reinterpret_cast<const char*>(numbers.data()), 4 * numbers.size());
            if (options.stats_only) {
                title_chars.push_back(newsclf::title_chars(r.title));
                if (!r.publisher.empty()) publishers.add(r.publisher);
            }
        }
    }
};

}  // namespace

HeadlineTokenizer::HeadlineTokenizer(HeadlineTokenizerOptions options) : options_(std::move(options)) {}

void HeadlineTokenizer::add_input(LineReader& input) {
    RecordLines reader(input.name(), options_.read);
    RecordReadStats counts;
    const std::size_t threads = resolve_threads(options_.threads);
    const std::size_t window = 2 * threads + 2;
    std::vector<Block> blocks(window);
    std::vector<std::uint32_t> renumber;
    ProgressBar bar(input.total_bytes(), input.name() + " ", "bytes");
    ordered_pipeline(
        threads, window,
        [&](std::size_t k) {
            Block& b = blocks[k % window];
            b.first_line = input.line_number() + 1;
            if (!input.next_lines(b.lines, options_.block_bytes)) return false;
            if (b.first_line == 1) reader.see_first_line(std::string_view(b.lines).substr(0, b.lines.find('\n')));
            return true;
        },
        [&](std::size_t k) { blocks[k % window].tokenize(reader, options_); },
        [&](std::size_t k) {
            Block& b = blocks[k % window];
            renumber.resize(b.words.size());
            for (std::size_t w = 0; w < renumber.size(); ++w)
                renumber[w] = counter_.add_word(b.words.word(w), b.words.hash(w), b.words.count(w));
            std::size_t records = 0;
            for_each_record(b.records, [&](SpilledRecord& r) {
                for (std::size_t t = 0; t < r.count; ++t) r.set_word(t, renumber[r.word(t)]);
                if (options_.stats_only) stats_.add(r.label, r.story, b.title_chars[records], r.count);
                ++records;
            });
            for (std::size_t p = 0; p < b.publishers.size(); ++p) stats_.add_publisher(b.publishers.word(p));
            counts.records += records;
            rows_ += records;
            for (const std::string& message : b.skip_messages) reader.skipped(message, counts);
            counts.skipped += b.skipped - b.skip_messages.size();
            if (!options_.stats_only) spill_.write_piece(b.records);
            bar.update(input.bytes_read());
        });
    bar.finish();
    reader.finish(counts, input.bytes_read() == 0);
}

Vocabulary HeadlineTokenizer::vocabulary() const { return kept_vocabulary(counter_, options_.max_words, options_.given); }

std::string HeadlineTokenizer::stats_json() const {
    return stats_.json(word_figures(counter_, options_.max_words, options_.given));
}

void HeadlineTokenizer::write(OutputFile& out, TokenOutput format) {
    TokenStreamInfo info;
    info.normalizer = options_.normalizer;
    info.vocabulary = vocabulary();
    info.max_words = stream_max_words(options_.max_words, options_.given, info.vocabulary.size());
    const std::vector<std::uint32_t> index = kept_index(counter_, options_.max_words, options_.given);
    std::optional<TokenStreamWriter> writer;
    if (format == TokenOutput::binary) writer.emplace(out, info);
    // Each piece of the spill file becomes its output on a worker; the pieces are written in order.
    struct Piece {
        std::string records, output;
        std::size_t count = 0, kept_tokens = 0;
        std::uint32_t crc = 0;  // of the output, for a token stream
    };
    const std::size_t threads = resolve_threads(options_.threads);
    const std::size_t window = 2 * threads + 2;
    std::vector<Piece> pieces(window);
    std::size_t kept_tokens = 0;
    spill_.rewind();
    ordered_pipeline(
        threads, window, [&](std::size_t k) { return spill_.next_piece(pieces[k % window].records); },
        [&](std::size_t k) {
            Piece& p = pieces[k % window];
            p.output.clear();
            p.count = p.kept_tokens = 0;
            std::vector<std::uint32_t> tokens;
            for_each_record(p.records, [&](const SpilledRecord& r) {
                ++p.count;
                if (format == TokenOutput::fasttext) {  // every word, in or out of the vocabulary
                    append_fasttext_record(p.output, r.label, r.count,
                                           [&](std::size_t t) -> std::string_view { return counter_.word(r.word(t)); });
                    p.output += '\n';
                    return;
                }
                tokens.clear();
                for (std::size_t t = 0; t < r.count; ++t)
                    if (std::uint32_t id = index[r.word(t)]) tokens.push_back(id);
                p.kept_tokens += tokens.size();
                if (format == TokenOutput::binary) {
                    append_token_record(p.output, r.label, r.id, r.story, tokens.data(), tokens.size());
                } else {
                    append_token_record_json(p.output, r.label, r.id, r.story, tokens);
                    p.output += '\n';
                }
            });
            if (format == TokenOutput::binary) p.crc = crc32_of(p.output);
        },
        [&](std::size_t k) {
            const Piece& p = pieces[k % window];
            if (writer) writer->add_encoded(p.output, p.count, p.crc);
            else out.write(p.output);
            kept_tokens += p.kept_tokens;
        });
    if (writer) writer->finish();
    if (format != TokenOutput::fasttext)
        log_info(std::to_string(size()) + " headlines, " + std::to_string(kept_tokens) + " tokens, vocabulary of " +
                 std::to_string(info.vocabulary.size()) + " words");
}

}  // namespace newsclf
