// Unit tests of token_stream.hpp: TokenStreamWriter and parse_token_stream round trip, refusal of
// every truncation and corruption, and the committed fixture testdata/fixtures/tiny.tokens.
#include "newsclf/formats/token_stream.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "container_support.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

struct Row {
    int label;
    std::string id, story;
    std::vector<std::uint32_t> tokens;
};

TokenStreamInfo small_info() {
    TokenStreamInfo info;
    info.vocabulary = Vocabulary({"fed", "rates", "apple", "\xc3\xa9t\xc3\xa9", "kim"});
    info.normalizer.lower = false;
    info.normalizer.workshop_rules = false;
    info.normalizer.filters = "!?\"\\\t\n\xc2\xbf";
    info.normalizer.split = '|';
    info.max_words = 6;
    return info;
}

const std::vector<Row>& small_rows() {
    static const std::vector<Row> rows = {
        {0, "51", "dxyGGb4iN9Cs9aMZTKQpJeoiQfruM", {1, 2, 2}},
        {-1, "", "", {}},                      // no label, no id, no story, no tokens
        {3, "9007199254740993", "s", {5}},
        {1, "id with\ttab", "story \xe2\x82\xac", {3, 4, 1, 5, 2}},
        {2, std::string(300, 'x'), "", {4}},
    };
    return rows;
}

std::string write_stream(const std::string& path, const TokenStreamInfo& info, const std::vector<Row>& rows) {
    OutputFile out(path);
    TokenStreamWriter writer(out, info);
    for (const auto& r : rows) writer.add(r.label, r.id, r.story, r.tokens);
    writer.finish();
    out.commit();
    return read_bytes(path).str();
}

// The stream's bytes as TokenStreamWriter writes them for a parsed stream.
std::string rewrite(const TokenStream& ts, const std::string& path) {
    std::vector<Row> rows;
    for (std::size_t i = 0; i < ts.corpus.size(); ++i)
        rows.push_back({ts.corpus.labels[i], ts.corpus.ids[i], ts.corpus.stories[i],
                        std::vector<std::uint32_t>(ts.corpus.tokens_of(i), ts.corpus.tokens_of(i) + ts.corpus.length(i))});
    return write_stream(path, ts.info, rows);
}

void check_same_as_small(const TokenStream& ts) {
    const TokenStreamInfo info = small_info();
    CHECK(ts.info.vocabulary.words() == info.vocabulary.words());
    CHECK(ts.info.vocabulary.index_of("kim") == 5);
    CHECK(ts.info.max_words == 6);
    CHECK(ts.info.normalizer.lower == false);
    CHECK(ts.info.normalizer.workshop_rules == false);
    CHECK(ts.info.normalizer.filters == info.normalizer.filters);
    CHECK(ts.info.normalizer.split == '|');
    const auto& rows = small_rows();
    REQUIRE(ts.corpus.size() == rows.size());
    REQUIRE(ts.corpus.offsets.size() == rows.size() + 1);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CAPTURE(i);
        CHECK(ts.corpus.labels[i] == rows[i].label);
        CHECK(ts.corpus.ids[i] == rows[i].id);
        CHECK(ts.corpus.stories[i] == rows[i].story);
        CHECK(std::vector<std::uint32_t>(ts.corpus.tokens_of(i), ts.corpus.tokens_of(i) + ts.corpus.length(i)) ==
              rows[i].tokens);
    }
    CHECK(ts.corpus.tokens.size() == 10);
}

}  // namespace

TEST_CASE("a token stream round-trips through TokenStreamWriter and parse_token_stream") {
    TempDir dir;
    const std::string bytes = write_stream(dir.file("s.tokens"), small_info(), small_rows());
    CHECK(is_token_stream(bytes));
    CHECK(container_kind(bytes) == "tokens");
    CHECK(bytes.substr(0, 16) == "newsclf-tokens/1");

    TokenStream ts = parse_token_stream(bytes, "s.tokens");
    check_same_as_small(ts);
    CHECK(ts.checksum == crc32_of(std::string_view(bytes).substr(0, bytes.size() - format::trailer_size)));

    // Writing what was read gives the same bytes.
    CHECK(rewrite(ts, dir.file("again.tokens")) == bytes);
}

TEST_CASE("parse_token_stream keeps the tokens of the records asked for, every record's label, id and story") {
    TempDir dir;
    const std::string bytes = write_stream(dir.file("s.tokens"), small_info(), small_rows());
    const TokenStream all = parse_token_stream(bytes, "s.tokens");
    const TokenStream odd = parse_token_stream(bytes, "s.tokens", [](std::size_t i) { return i % 2 == 1; });
    REQUIRE(odd.corpus.size() == all.corpus.size());
    CHECK(odd.checksum == all.checksum);
    CHECK(odd.corpus.labels == all.corpus.labels);
    CHECK(odd.corpus.ids == all.corpus.ids);
    CHECK(odd.corpus.stories == all.corpus.stories);
    for (std::size_t i = 0; i < all.corpus.size(); ++i)
        CHECK(odd.corpus.length(i) == (i % 2 == 1 ? all.corpus.length(i) : 0));
}

TEST_CASE("a token stream with no records and an empty vocabulary") {
    TempDir dir;
    TokenStreamInfo info;
    info.max_words = 10000;
    const std::string bytes = write_stream(dir.file("e.tokens"), info, {});
    TokenStream ts = parse_token_stream(bytes, "e.tokens");
    CHECK(ts.corpus.size() == 0);
    CHECK(ts.corpus.offsets == std::vector<std::uint64_t>{0});
    CHECK(ts.info.vocabulary.size() == 0);
    CHECK(ts.info.max_words == 10000);
    CHECK(ts.info.normalizer.lower == true);
    CHECK(ts.info.normalizer.workshop_rules == true);
    CHECK(ts.info.normalizer.filters == keras_default_filters);
    CHECK(ts.info.normalizer.split == ' ');
}

TEST_CASE("a stream over the writer's 1 MiB buffer is written in pieces with one checksum") {
    TempDir dir;
    TokenStreamInfo info = small_info();
    std::vector<Row> rows;
    for (std::uint32_t i = 0; i < 30000; ++i) {
        std::vector<std::uint32_t> tokens;
        for (std::uint32_t k = 0; k < i % 17; ++k) tokens.push_back(1 + (i + k) % 5);
        rows.push_back({static_cast<int>(i % 5) - 1, std::to_string(i), "story" + std::to_string(i / 7), tokens});
    }
    const std::string bytes = write_stream(dir.file("big.tokens"), info, rows);
    REQUIRE(bytes.size() > (1u << 20) + (1u << 19));  // more than one buffer
    TokenStream ts = parse_token_stream(bytes, "big.tokens");
    REQUIRE(ts.corpus.size() == rows.size());
    std::size_t tokens = 0;
    for (const auto& r : rows) tokens += r.tokens.size();
    CHECK(ts.corpus.tokens.size() == tokens);
    CHECK(ts.corpus.labels[29999] == static_cast<int>(29999 % 5) - 1);
    CHECK(ts.corpus.ids[12345] == "12345");
    CHECK(ts.corpus.stories[12345] == "story1763");
    CHECK(ts.corpus.length(16) == 16);
    CHECK(ts.corpus.tokens_of(16)[15] == 1 + (16 + 15) % 5);
}

TEST_CASE("a record keeps at most 65535 tokens and ids of at most 65535 bytes") {
    TempDir dir;
    TokenStreamInfo info = small_info();
    std::vector<std::uint32_t> many(70000, 3);
    std::vector<Row> rows = {{0, std::string(70000, 'i'), "s", many}, {1, "after", "t", {2}}};
    TokenStream ts = parse_token_stream(write_stream(dir.file("long.tokens"), info, rows), "long.tokens");
    REQUIRE(ts.corpus.size() == 2);
    CHECK(ts.corpus.length(0) == 65535);
    CHECK(ts.corpus.ids[0].size() == 65535);
    CHECK(ts.corpus.ids[1] == "after");
    CHECK(ts.corpus.labels[1] == 1);
}

TEST_CASE("a stream cut at any length is refused with a FormatError") {
    TempDir dir;
    const std::string bytes = write_stream(dir.file("s.tokens"), small_info(), small_rows());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        CAPTURE(n);
        CHECK_THROWS_AS(parse_token_stream(std::string_view(bytes).substr(0, n), "cut.tokens"), FormatError);
    }
    // Also with a trailer that matches the cut body, so that the record parser has to notice.
    const std::string body = bytes.substr(0, bytes.size() - format::trailer_size);
    for (std::size_t n = 0; n < body.size(); ++n) {
        CAPTURE(n);
        CHECK_THROWS_AS(parse_token_stream(with_trailer(body.substr(0, n), small_rows().size()), "cut.tokens"), FormatError);
    }
    CHECK(parse_token_stream(with_trailer(body, small_rows().size()), "whole.tokens").corpus.size() == small_rows().size());
}

TEST_CASE("a flipped bit anywhere in a stream is refused with a FormatError") {
    TempDir dir;
    const std::string bytes = write_stream(dir.file("s.tokens"), small_info(), small_rows());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (int bit : {0, 7}) {
            CAPTURE(i);
            CAPTURE(bit);
            std::string bad = bytes;
            bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
            CHECK_THROWS_AS(parse_token_stream(bad, "flip.tokens"), FormatError);
        }
    }
}

TEST_CASE("corrupt records behind a valid trailer name what is wrong") {
    TempDir dir;
    const TokenStreamInfo info = small_info();
    const std::string header_only = write_stream(dir.file("h.tokens"), info, {});
    const std::string header = header_only.substr(0, header_only.size() - format::trailer_size);
    auto record = [](std::uint8_t tag, std::uint8_t label, std::uint32_t token) {
        ByteWriter w;
        w.u8(tag);
        w.u8(label);
        w.string16("id");
        w.string16("story");
        w.u16(1);
        w.u32(token);
        return w.bytes();
    };
    REQUIRE(parse_token_stream(with_trailer(header + record(1, 0, 5), 1), "ok").corpus.size() == 1);
    REQUIRE(parse_token_stream(with_trailer(header + record(1, 0xFF, 1), 1), "ok").corpus.labels[0] == -1);

    auto message = [&](const std::string& bytes) {
        return message_of<FormatError>([&] { parse_token_stream(bytes, "bad.tokens"); });
    };
    std::string m = message(with_trailer(header + record(2, 0, 1), 1));
    CHECK(m.rfind("bad.tokens: ", 0) == 0);
    CHECK(m.find("record 1 has an unknown tag") != std::string::npos);
    CHECK(message(with_trailer(header + record(1, 0, 1) + record(1, 4, 1), 2)).find("record 2 has label 4") != std::string::npos);
    CHECK(message(with_trailer(header + record(1, 0, 6), 1)).find("token id 6 beyond the vocabulary") != std::string::npos);
    CHECK(message(with_trailer(header + record(1, 0, 1), 2)).find("holds 1 records but its trailer says 2") != std::string::npos);

    // Another kind of container is refused by its header.
    ByteWriter model;
    write_header(model, format::model_kind, format::model_major, format::model_minor, {});
    CHECK(message(with_trailer(model.bytes(), 0)).find("is needed here") != std::string::npos);
    CHECK_FALSE(is_token_stream(model.bytes()));
}

TEST_CASE("a newer token stream version is refused") {
    ByteWriter w;
    Metadata meta;
    meta["max_words"] = std::uint64_t{2};
    meta["normalizer"] = JsonText{"{}"};
    meta["vocabulary"] = std::string("a\n");
    write_header(w, format::tokens_kind, format::tokens_major + 1, 0, meta);
    std::string body = w.bytes();
    try {
        parse_token_stream(with_trailer(body, 0), "new.tokens");
        FAIL("a newer stream was read");
    } catch (const FormatError& e) {
        CHECK(std::string(e.what()).find("upgrade newsclf") != std::string::npos);
    }
}

TEST_CASE("normaliser settings as JSON") {
    NormalizerSettings s;
    s.lower = false;
    s.workshop_rules = true;
    s.filters = "\"\\\t\n/\xe2\x80\x94";
    s.split = ';';
    std::string json = normalizer_to_json(s);
    NormalizerSettings back = normalizer_from_json(json, "j");
    CHECK(back.lower == false);
    CHECK(back.workshop_rules == true);
    CHECK(back.filters == s.filters);
    CHECK(back.split == ';');
    CHECK(normalizer_to_json(back) == json);
    CHECK(normalizer_to_json(NormalizerSettings{}).rfind(R"({"lower":true,"workshop_rules":true,"filters":)", 0) == 0);
    CHECK_THROWS_AS(normalizer_from_json("{\"lower\":", "j"), FormatError);
}

TEST_CASE("the committed fixture tiny.tokens is read and written back byte for byte") {
    const std::string path = fixture_path("tiny.tokens");
    const std::string bytes = read_bytes(path).str();
    REQUIRE(bytes.size() < (1u << 20));
    TokenStream ts = parse_token_stream(bytes, path);

    CHECK(ts.corpus.size() == 21);
    CHECK(ts.info.vocabulary.size() == 49);
    CHECK(ts.info.max_words == 50);
    CHECK(ts.info.normalizer.lower);
    CHECK(ts.info.normalizer.workshop_rules);
    CHECK(ts.info.normalizer.filters == keras_default_filters);
    CHECK(ts.corpus.tokens.size() == 79);
    // The first row of testdata/news.sample.tsv: "Carl Icahn Rift Hurts eBay (EBAY)", business.
    CHECK(ts.corpus.ids[0] == "51");
    CHECK(ts.corpus.labels[0] == 0);
    CHECK(ts.corpus.stories[0] == "dxyGGb4iN9Cs9aMZTKQpJeoiQfruM");
    REQUIRE(ts.corpus.length(0) == 6);
    const std::uint32_t* t = ts.corpus.tokens_of(0);
    CHECK(ts.info.vocabulary.word(t[0]) == "carl");
    CHECK(ts.info.vocabulary.word(t[1]) == "icahn");
    CHECK(t[4] == ts.info.vocabulary.index_of("ebay"));
    CHECK(t[5] == t[4]);
    std::size_t per_label[4] = {};
    for (auto l : ts.corpus.labels) {
        REQUIRE(l >= 0);
        ++per_label[static_cast<std::size_t>(l)];
    }
    CHECK(per_label[0] + per_label[1] + per_label[2] + per_label[3] == 21);
    CHECK(per_label[3] > 0);

    TempDir dir;
    CHECK(rewrite(ts, dir.file("tiny.tokens")) == bytes);
}
