#include "newsclf/formats/token_stream.hpp"

#include <simdjson.h>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/base/json.hpp"

namespace newsclf {

namespace {
constexpr std::uint8_t record_tag = 1;
constexpr std::uint8_t no_label_byte = 0xFF;
constexpr std::size_t max_tokens_per_record = 0xFFFF;
}  // namespace

std::string normalizer_to_json(const NormalizerSettings& s) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("lower", s.lower).member("workshop_rules", s.workshop_rules);
    w.member("filters", s.filters).member("split", std::string(1, s.split)).end_object();
    return out;
}

NormalizerSettings normalizer_from_json(std::string_view json, const std::string& source) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size(), true).get(doc))
        throw FormatError(source + ": the normaliser settings are not valid JSON; the file is corrupt");
    NormalizerSettings s;
    bool b;
    std::string_view text;
    if (!doc["lower"].get_bool().get(b)) s.lower = b;
    if (!doc["workshop_rules"].get_bool().get(b)) s.workshop_rules = b;
    if (!doc["filters"].get_string().get(text)) s.filters = text;
    if (!doc["split"].get_string().get(text) && text.size() == 1) s.split = text[0];
    return s;
}

TokenStreamWriter::TokenStreamWriter(OutputFile& out, const TokenStreamInfo& info)
    : TokenStreamWriter([&out](std::string_view bytes) { out.write(bytes); }, info) {}

TokenStreamWriter::TokenStreamWriter(std::function<void(std::string_view)> sink, const TokenStreamInfo& info)
    : sink_(std::move(sink)) {
    Metadata meta;
    meta["vocabulary"] = info.vocabulary.to_text();
    meta["max_words"] = info.max_words;
    meta["normalizer"] = JsonText{normalizer_to_json(info.normalizer)};
    meta["labels"] = std::string("b t e m");
    ByteWriter w;
    write_header(w, format::tokens_kind, format::tokens_major, format::tokens_minor, meta);
    pending_ = std::move(w.bytes());
}

void append_token_record(std::string& out, int label, std::string_view id, std::string_view story,
                         const std::uint32_t* tokens, std::size_t count) {
    // little-endian integers, as ByteWriter writes them
    auto put = [&out](std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) out += static_cast<char>(v >> (8 * i));
    };
    auto put_string16 = [&](std::string_view s) {
        s = s.substr(0, 0xFFFF);
        put(s.size(), 2);
        out += s;
    };
    out += static_cast<char>(record_tag);
    out += static_cast<char>(label < 0 ? no_label_byte : static_cast<std::uint8_t>(label));
    put_string16(id);
    put_string16(story);
    const std::size_t n = std::min(count, max_tokens_per_record);
    put(n, 2);
    const std::size_t at = out.size();
    out.resize(at + 4 * n);
    char* p = out.data() + at;
    for (std::size_t i = count - n; i < count; ++i, p += 4)
        for (int b = 0; b < 4; ++b) p[b] = static_cast<char>(tokens[i] >> (8 * b));
}

void TokenStreamWriter::add(int label, std::string_view id, std::string_view story, const std::vector<std::uint32_t>& tokens) {
    append_token_record(pending_, label, id, story, tokens.data(), tokens.size());
    ++records_;
    emit(false);
}

void TokenStreamWriter::add_encoded(std::string_view records, std::size_t count, std::uint32_t crc) {
    emit(true);  // what came before, then these records as they are
    crc_ = crc32_joined(crc_, crc, records.size());
    sink_(records);
    written_ += records.size();
    records_ += count;
}

void TokenStreamWriter::emit(bool force) {
    if (!force && pending_.size() < (1u << 20)) return;
    crc_ = crc32_of(pending_, crc_);
    sink_(pending_);
    written_ += pending_.size();
    pending_.clear();
}

void TokenStreamWriter::finish() {
    emit(true);
    sink_(make_trailer(written_, records_, crc_));
}

void write_token_stream(const TokenStream& ts, TokenStreamWriter& writer) {
    std::vector<std::uint32_t> tokens;
    for (std::size_t i = 0; i < ts.corpus.size(); ++i) {
        tokens.assign(ts.corpus.tokens_of(i), ts.corpus.tokens_of(i) + ts.corpus.length(i));
        writer.add(ts.corpus.labels[i], ts.corpus.ids[i], ts.corpus.stories[i], tokens);
    }
    writer.finish();
}

std::string token_stream_bytes(const TokenStream& ts) {
    std::string bytes;
    TokenStreamWriter writer([&bytes](std::string_view b) { bytes += b; }, ts.info);
    write_token_stream(ts, writer);
    return bytes;
}

bool is_token_stream(std::string_view bytes) { return container_kind(bytes) == format::tokens_kind; }

TokenStream parse_token_stream(std::string_view bytes, const std::string& source) {
    return parse_token_stream(bytes, source, [](std::size_t) { return true; });
}

TokenStream parse_token_stream(std::string_view bytes, const std::string& source,
                               const std::function<bool(std::size_t)>& keep_tokens) {
    TokenStream ts;
    std::uint64_t count = 0;
    ByteReader probe(bytes, source);  // kind and version first: another kind or a newer file fails its trailer check
    read_magic(probe, format::tokens_kind, format::tokens_major);
    std::string_view body = verify_trailer(bytes, source, &count, &ts.checksum);
    ByteReader r(body, source);
    Header h = read_header(r, format::tokens_kind, format::tokens_major);
    ts.info.max_words = meta_u64(h.metadata, "max_words", source);
    ts.info.normalizer = normalizer_from_json(meta_string(h.metadata, "normalizer", source), source);
    std::string vocabulary = meta_string(h.metadata, "vocabulary", source);
    ts.info.vocabulary = vocabulary.empty() ? Vocabulary() : parse_vocabulary(vocabulary, source + " (vocabulary)");
    const std::uint64_t vocab_limit = ts.info.vocabulary.size();
    std::vector<std::uint32_t> tokens;
    const std::vector<std::uint32_t> none;
    const auto expected = static_cast<std::size_t>(std::min<std::uint64_t>(count, body.size() / 8));
    ts.corpus.labels.reserve(expected);
    ts.corpus.ids.reserve(expected);
    ts.corpus.stories.reserve(expected);
    ts.corpus.offsets.reserve(expected + 1);
    ts.corpus.tokens.reserve(r.remaining() / 4);
    while (r.remaining() > 0) {
        if (r.u8("a record tag") != record_tag) r.fail("record " + std::to_string(ts.corpus.size() + 1) + " has an unknown tag; the file is corrupt");
        std::uint8_t label = r.u8("a record label");
        if (label != no_label_byte && label >= 4) r.fail("record " + std::to_string(ts.corpus.size() + 1) + " has label " + std::to_string(label) + "; the file is corrupt");
        std::string id = r.string16("a record id");
        std::string story = r.string16("a story id");
        std::uint16_t n = r.u16("a token count");
        tokens.resize(n);
        for (auto& t : tokens) {
            t = r.u32("a token id");
            if (t > vocab_limit) r.fail("record " + std::to_string(ts.corpus.size() + 1) + " has token id " + std::to_string(t) + " beyond the vocabulary; the file is corrupt");
        }
        ts.corpus.add(label == no_label_byte ? -1 : label, std::move(id), std::move(story),
                      keep_tokens(ts.corpus.size()) ? tokens : none);
    }
    if (ts.corpus.size() != count)
        r.fail("holds " + std::to_string(ts.corpus.size()) + " records but its trailer says " + std::to_string(count) + "; the file is corrupt");
    return ts;
}

void limit_vocabulary(TokenStream& ts, std::size_t max_words) {
    const std::size_t keep = words_kept(max_words, ts.info.vocabulary.size());
    if (keep == ts.info.vocabulary.size()) return;
    std::vector<std::string> words(ts.info.vocabulary.words().begin(), ts.info.vocabulary.words().begin() + keep);
    ts.info.vocabulary = Vocabulary(std::move(words));
    ts.info.max_words = max_words;
    drop_ids_beyond(ts.corpus, keep);
}

}  // namespace newsclf
