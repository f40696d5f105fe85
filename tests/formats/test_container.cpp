// Unit tests of format.hpp: the little-endian byte codec, the container header (magic, version,
// sanity block, typed metadata) and the trailer (length, item count, CRC-32).
#include "newsclf/formats/container.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "newsclf/base/error.hpp"
#include "container_support.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

std::string header_bytes(std::string_view kind, std::uint32_t major, std::uint32_t minor, const Metadata& meta) {
    ByteWriter w;
    write_header(w, kind, major, minor, meta);
    return w.bytes();
}

}  // namespace

TEST_CASE("ByteWriter writes little-endian fixed-width fields") {
    ByteWriter w;
    w.u8(0xAB);
    w.u16(0x0102);
    w.u32(0x01020304);
    w.u64(0x0102030405060708ull);
    w.f32(1.0f);
    w.f64(-2.0);
    CHECK(w.bytes() == std::string("\xAB"
                                   "\x02\x01"
                                   "\x04\x03\x02\x01"
                                   "\x08\x07\x06\x05\x04\x03\x02\x01"
                                   "\x00\x00\x80\x3F"
                                   "\x00\x00\x00\x00\x00\x00\x00\xC0",
                                   1 + 2 + 4 + 8 + 4 + 8));
    ByteWriter s;
    s.string16("ab");
    s.string64("xyz");
    CHECK(s.bytes() == std::string("\x02\x00"
                                   "ab"
                                   "\x03\x00\x00\x00\x00\x00\x00\x00"
                                   "xyz",
                                   2 + 2 + 8 + 3));
}

TEST_CASE("ByteWriter and ByteReader round trip every field type") {
    const float floats[] = {0.0f, -0.0f, 1.5f, -3.25e-8f, std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::infinity()};
    ByteWriter w;
    w.u8(0);
    w.u8(255);
    w.u16(0xFFFF);
    w.u32(0xDEADBEEF);
    w.u64(std::numeric_limits<std::uint64_t>::max());
    w.u64(0);
    w.f32(-0.5f);
    w.f64(3.141592653589793);
    w.f64(std::numeric_limits<double>::quiet_NaN());
    w.string16("");
    w.string16(std::string("h\xc3\xa9llo\n\0", 8));
    w.string64(std::string("with\0nul", 8));
    w.raw("RAW!");
    w.f32_array(floats, 7);

    ByteReader r(w.bytes(), "mem");
    CHECK(r.source() == "mem");
    CHECK(r.u8("a") == 0);
    CHECK(r.u8("a") == 255);
    CHECK(r.u16("a") == 0xFFFF);
    CHECK(r.u32("a") == 0xDEADBEEF);
    CHECK(r.u64("a") == std::numeric_limits<std::uint64_t>::max());
    CHECK(r.u64("a") == 0);
    CHECK(r.f32("a") == -0.5f);
    CHECK(r.f64("a") == 3.141592653589793);
    CHECK(std::isnan(r.f64("a")));
    CHECK(r.string16("a").empty());
    CHECK(r.string16("a") == std::string("h\xc3\xa9llo\n\0", 8));
    CHECK(r.string64("a") == std::string("with\0nul", 8));
    CHECK(r.raw(4, "a") == "RAW!");
    float back[7];
    r.f32_array(back, 7, "a");
    CHECK(std::memcmp(back, floats, sizeof floats) == 0);  // bit for bit, -0.0 included
    CHECK(r.remaining() == 0);
    CHECK(r.position() == w.bytes().size());
}

TEST_CASE("string16 keeps its length field and its bytes in step past 65535 bytes") {
    ByteWriter w;
    w.string16(std::string(70000, 'a'));
    w.u32(7);
    ByteReader r(w.bytes(), "mem");
    std::string id = r.string16("a long id");
    CHECK(id.size() == 0xFFFF);
    CHECK(id.find_first_not_of('a') == std::string::npos);
    CHECK(r.u32("the next field") == 7);
    CHECK(r.remaining() == 0);
}

TEST_CASE("reading past the end is a FormatError naming the source and the field") {
    const std::string three("\x01\x02\x03", 3);
    std::string m = message_of<FormatError>([&] { ByteReader(three, "cut.bin").u32("the record count"); });
    CHECK(m.rfind("cut.bin: ", 0) == 0);
    CHECK(contains(m, "truncated"));
    CHECK(contains(m, "the record count"));

    CHECK(contains(message_of<FormatError>([&] { ByteReader(three, "s").u64("the length"); }), "the length"));
    CHECK(contains(message_of<FormatError>([&] { ByteReader(three, "s").f64("a weight"); }), "a weight"));
    CHECK(contains(message_of<FormatError>([&] { ByteReader(three, "s").raw(4, "the magic"); }), "the magic"));
    CHECK(contains(message_of<FormatError>([&] { ByteReader("", "s").u8("a tag"); }), "a tag"));

    // A length that runs past the end: string16 of 0x0302 bytes from 1 left.
    CHECK(contains(message_of<FormatError>([&] { ByteReader(three, "s").string16("a key"); }), "a key"));

    ByteWriter huge;
    huge.u64(std::numeric_limits<std::uint64_t>::max());
    huge.raw("abc");
    CHECK(contains(message_of<FormatError>([&] { ByteReader(huge.bytes(), "s").string64("a value"); }), "a value"));

    // An array count whose byte size would overflow.
    std::string eight(8, '\0');
    float out[2];
    CHECK(contains(message_of<FormatError>([&] { ByteReader(eight, "s").f32_array(out, 3, "tensor data"); }), "tensor data"));
    CHECK(contains(message_of<FormatError>([&] {
                       ByteReader(eight, "s").f32_array(out, std::numeric_limits<std::size_t>::max() / 2, "tensor data");
                   }),
                   "tensor data"));

    // A failed read consumes nothing.
    ByteReader r(three, "s");
    CHECK_THROWS_AS(r.u32("x"), FormatError);
    CHECK(r.position() == 0);
    CHECK(r.u16("y") == 0x0201);
}

TEST_CASE("the header: magic, minor version, sanity block") {
    std::string bytes = header_bytes("model", 1, 7, {});
    CHECK(bytes.substr(0, format::magic_size) == std::string("newsclf-model/1\n"));
    CHECK(header_bytes("tokens", 1, 0, {}).substr(0, format::magic_size) == "newsclf-tokens/1");
    CHECK(bytes.substr(format::magic_size) == std::string("\x07\x00\x00\x00"                  // minor
                                                          "\x00\x00\x80\x3F"                  // 1.0f
                                                          "\x00\x00\x00\xBF"                  // -0.5f
                                                          "\x01\x00\x00\x00\x00\x00\x00\x00"  // 1
                                                          "\x00\x00\x00\x00",                 // no metadata
                                                          4 + 4 + 4 + 8 + 4));
    ByteReader r(bytes, "m");
    Header h = read_header(r, "model", 1);
    CHECK(h.major == 1);
    CHECK(h.minor == 7);
    CHECK(h.metadata.empty());
    CHECK(r.remaining() == 0);

    CHECK(container_kind(bytes) == "model");
    CHECK(container_kind(header_bytes("tokens", 1, 0, {})) == "tokens");
    CHECK(container_kind("newsclf-model/1") == "");  // shorter than the magic
    CHECK(container_kind("newsclf-model-1\n") == "");
    CHECK(container_kind("\x93NUMPY\x01\x00v\x00{'descr'") == "");
    CHECK(container_kind("") == "");
}

TEST_CASE("metadata of every type round-trips") {
    Metadata meta;
    meta["u_zero"] = std::uint64_t{0};
    meta["u_max"] = std::numeric_limits<std::uint64_t>::max();
    meta["f_pi"] = 3.141592653589793;
    meta["f_negative_zero"] = -0.0;
    meta["f_tiny"] = std::numeric_limits<double>::denorm_min();
    meta["f_inf"] = -std::numeric_limits<double>::infinity();
    meta["s_empty"] = std::string();
    meta["s_text"] = std::string("one\ntwo\n\xe2\x82\xac\0end", 14);
    meta["s_large"] = std::string(100000, 'v');
    meta["j_object"] = JsonText{R"({"lower":true,"split":" "})"};
    meta["j_empty"] = JsonText{""};
    meta[""] = std::string("an empty key");

    std::string bytes = header_bytes("tokens", 1, 3, meta);
    ByteReader r(bytes, "t");
    Header h = read_header(r, "tokens", 1);
    CHECK(r.remaining() == 0);
    REQUIRE(h.metadata.size() == meta.size());
    for (const auto& [key, value] : meta) {
        CAPTURE(key);
        REQUIRE(h.metadata.count(key) == 1);
        const MetaValue& got = h.metadata.at(key);
        REQUIRE(got.index() == value.index());
        if (auto u = std::get_if<std::uint64_t>(&value)) CHECK(std::get<std::uint64_t>(got) == *u);
        if (auto d = std::get_if<double>(&value)) {
            double g = std::get<double>(got);
            CHECK(std::memcmp(&g, d, sizeof g) == 0);
        }
        if (auto s = std::get_if<std::string>(&value)) CHECK((std::get<std::string>(got) == *s));
        if (auto j = std::get_if<JsonText>(&value)) CHECK(std::get<JsonText>(got).text == j->text);
    }
    // The same content gives the same bytes.
    CHECK(header_bytes("tokens", 1, 3, h.metadata) == bytes);

    CHECK(meta_u64(h.metadata, "u_max", "t") == std::numeric_limits<std::uint64_t>::max());
    CHECK(meta_f64(h.metadata, "f_pi", "t") == 3.141592653589793);
    CHECK(meta_string(h.metadata, "s_empty", "t").empty());
    CHECK(meta_string(h.metadata, "j_object", "t") == R"({"lower":true,"split":" "})");
    std::string m = message_of<FormatError>([&] { meta_u64(h.metadata, "missing", "t.bin"); });
    CHECK(m.rfind("t.bin: ", 0) == 0);
    CHECK(contains(m, "\"missing\" is missing"));
    CHECK(contains(message_of<FormatError>([&] { meta_u64(h.metadata, "f_pi", "t"); }), "\"f_pi\" is not an integer"));
    CHECK(contains(message_of<FormatError>([&] { meta_f64(h.metadata, "u_zero", "t"); }), "\"u_zero\" is not a number"));
    CHECK(contains(message_of<FormatError>([&] { meta_string(h.metadata, "u_zero", "t"); }), "\"u_zero\" is not text"));
}

TEST_CASE("read_header refuses another kind and files that are not newsclf containers") {
    std::string tokens = header_bytes("tokens", 1, 0, {});
    ByteReader r(tokens, "data.tokens");
    std::string m = message_of<FormatError>([&] { read_header(r, "model", 1); });
    CHECK(m.rfind("data.tokens: ", 0) == 0);
    CHECK(contains(m, "this is a newsclf tokens file, but a model file is needed"));

    std::string other = "ID\tTITLE\tURL\tPUBLISHER\tCATEGORY\n";
    ByteReader o(other, "news.tsv");
    CHECK(contains(message_of<FormatError>([&] { read_header(o, "tokens", 1); }), "not a newsclf tokens file"));

    ByteReader s(std::string("newsclf"), "short");
    CHECK(contains(message_of<FormatError>([&] { read_header(s, "tokens", 1); }), "the magic"));
}

TEST_CASE("read_header refuses a newer major version and says to upgrade") {
    std::string v2 = header_bytes("model", 2, 0, {});
    CHECK(v2.substr(0, 16) == std::string("newsclf-model/2\n"));
    ByteReader r(v2, "new.model");
    std::string m = message_of<FormatError>([&] { read_header(r, "model", 1); });
    CHECK(m.rfind("new.model: ", 0) == 0);
    CHECK(contains(m, "version 2"));
    CHECK(contains(m, "upgrade newsclf"));

    // Older and equal major versions are read.
    const std::string v1 = header_bytes("model", 1, 4, {}), v12_bytes = header_bytes("model", 12, 0, {});
    ByteReader older(v1, "old.model");
    CHECK(read_header(older, "model", 2).major == 1);
    ByteReader v12(v12_bytes, "m");
    CHECK(read_header(v12, "model", 12).major == 12);

    std::string garbled = header_bytes("model", 1, 0, {});
    garbled[14] = 'x';
    ByteReader g(garbled, "g");
    CHECK(contains(message_of<FormatError>([&] { read_header(g, "model", 1); }), "is not a number"));
}

TEST_CASE("read_header refuses a bad sanity block") {
    // The same fields written big-endian, as a foreign machine would.
    std::string be = std::string("newsclf-model/1\n") + std::string("\x00\x00\x00\x00", 4) +
                     std::string("\x3F\x80\x00\x00", 4) + std::string("\xBF\x00\x00\x00", 4) +
                     std::string("\x00\x00\x00\x00\x00\x00\x00\x01", 8) + std::string(4, '\0');
    ByteReader r(be, "foreign.model");
    std::string m = message_of<FormatError>([&] { read_header(r, "model", 1); });
    CHECK(m.rfind("foreign.model: ", 0) == 0);
    CHECK(contains(m, "sanity block"));
    CHECK(contains(m, "re-create it"));

    // Each of the three values alone.
    const std::string good = header_bytes("model", 1, 0, {});
    for (std::size_t at : {std::size_t{20}, std::size_t{24}, std::size_t{28}}) {
        CAPTURE(at);
        std::string bad = good;
        bad[at + 1] = static_cast<char>(bad[at + 1] ^ 0x01);
        ByteReader b(bad, "b");
        CHECK(contains(message_of<FormatError>([&] { read_header(b, "model", 1); }), "sanity block"));
    }
}

TEST_CASE("read_header refuses an unknown metadata type and a header cut anywhere") {
    Metadata meta;
    meta["a"] = std::uint64_t{5};
    meta["b"] = std::string("text");
    std::string bytes = header_bytes("model", 1, 0, meta);
    std::string bad = bytes;
    std::size_t type_at = 40 + 2 + 1;  // fixed part, key length, key "a"
    REQUIRE(bad[type_at] == static_cast<char>(format::ValueType::u64));
    bad[type_at] = 9;
    ByteReader r(bad, "b");
    std::string m = message_of<FormatError>([&] { read_header(r, "model", 1); });
    CHECK(contains(m, "metadata \"a\" has unknown type 9"));

    for (std::size_t n = 0; n < bytes.size(); ++n) {
        CAPTURE(n);
        ByteReader cut(std::string_view(bytes).substr(0, n), "cut");
        CHECK_THROWS_AS(read_header(cut, "model", 1), FormatError);
    }
}

TEST_CASE("crc32_of is the zlib CRC-32 and can be chained") {
    CHECK(crc32_of("") == 0);
    CHECK(crc32_of("123456789") == 0xCBF43926u);
    CHECK(crc32_of("56789", crc32_of("1234")) == 0xCBF43926u);
    // Tens of megabytes go in parts to several threads; the CRC is the same as one pass's.
    std::string big(40u << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
    std::uint32_t serial = 7;
    for (std::size_t at = 0; at < big.size(); at += 1 << 20) serial = crc32_of(std::string_view(big).substr(at, 1 << 20), serial);
    CHECK(crc32_of(big, 7) == serial);
    CHECK(crc32_joined(crc32_of("1234"), crc32_of("56789"), 5) == 0xCBF43926u);
}

TEST_CASE("the trailer: length, item count and checksum") {
    const std::string body = header_bytes("tokens", 1, 0, {}) + "some body bytes";
    const std::string whole = with_trailer(body, 42);
    REQUIRE(whole.size() == body.size() + format::trailer_size);
    CHECK(whole.substr(body.size(), 8) == "NCLF-END");

    std::uint64_t items = 0;
    CHECK(verify_trailer(whole, "f", &items) == body);
    CHECK(items == 42);
    CHECK(verify_trailer(whole, "f", nullptr) == body);
    CHECK(verify_trailer(with_trailer("", 0), "f", &items).empty());
    CHECK(items == 0);

    SUBCASE("a truncated file") {
        std::string m = message_of<FormatError>([&] { verify_trailer(std::string_view(whole).substr(0, whole.size() - 1), "cut.tokens", &items); });
        CHECK(m.rfind("cut.tokens: ", 0) == 0);
        CHECK(contains(m, "truncated"));
        CHECK(contains(message_of<FormatError>([&] { verify_trailer(body, "f", &items); }), "truncated"));
        CHECK(contains(message_of<FormatError>([&] { verify_trailer("", "f", &items); }), "truncated"));
        for (std::size_t n = 0; n < whole.size(); ++n) {
            CAPTURE(n);
            CHECK_THROWS_AS(verify_trailer(std::string_view(whole).substr(0, n), "f", &items), FormatError);
        }
    }
    SUBCASE("a flipped byte anywhere before the trailer's count") {
        for (std::size_t i = 0; i < whole.size(); ++i) {
            if (i >= body.size() + 16 && i < body.size() + 24) continue;  // the item count is not checksummed
            CAPTURE(i);
            std::string bad = whole;
            bad[i] = static_cast<char>(bad[i] ^ 0x10);
            CHECK_THROWS_AS(verify_trailer(bad, "f", &items), FormatError);
        }
        std::string bad = whole;
        bad[3] = static_cast<char>(bad[3] ^ 0x01);
        std::string m = message_of<FormatError>([&] { verify_trailer(bad, "flip.tokens", &items); });
        CHECK(m.rfind("flip.tokens: ", 0) == 0);
        CHECK(contains(m, "checksum mismatch"));
    }
    SUBCASE("a wrong length") {
        std::string bad = body + make_trailer(body.size() + 1, 42, crc32_of(body));
        std::string m = message_of<FormatError>([&] { verify_trailer(bad, "len.tokens", &items); });
        CHECK(m.rfind("len.tokens: ", 0) == 0);
        CHECK(contains(m, "records " + std::to_string(body.size() + 1) + " bytes"));
        // Bytes added at the front shift the trailer's length out of step.
        CHECK(contains(message_of<FormatError>([&] { verify_trailer("x" + whole, "f", &items); }), "trailer records"));
    }
}

TEST_CASE("quantized rows: the reader gives back what round_to_quantized gives, within half a step of the values") {
    PythonRandom rng(5);
    const std::size_t rows = 37, cols = 9;  // an odd width: q4's last byte holds one value
    std::vector<float> values = uniform_vector(rng, rows * cols, -3.0, 3.0);
    for (std::size_t c = 0; c < cols; ++c) values[4 * cols + c] = 0.0f;  // a zero row, left out
    for (std::size_t c = 0; c < cols; ++c) values[7 * cols + c] = 1e-30f;  // a row whose scale rounds to 0
    for (std::size_t c = 0; c < cols; ++c) values[9 * cols + c] = c == 0 ? 40000.0f : 0.5f;  // one large value
    for (int bits : {8, 4}) {
        CAPTURE(bits);
        ByteWriter w;
        w.quantized_rows(values.data(), rows, cols, bits);
        const std::size_t stored = rows - 2, row_bytes = bits == 8 ? cols : (cols + 1) / 2;
        CHECK(w.bytes().size() == (rows + 7) / 8 + stored * (2 + row_bytes));
        std::vector<float> expected = values;
        round_to_quantized(expected.data(), rows, cols, bits);
        std::vector<float> read(rows * cols, -1.0f);
        ByteReader r(w.bytes(), "test");
        r.quantized_rows(read.data(), rows, cols, bits, "tensor data");
        CHECK(r.remaining() == 0);
        CHECK(read == expected);
        const float levels = bits == 8 ? 127.0f : 7.0f;
        for (std::size_t i = 0; i < rows; ++i) {
            float largest = 0;
            for (std::size_t c = 0; c < cols; ++c) largest = std::max(largest, std::fabs(values[i * cols + c]));
            for (std::size_t c = 0; c < cols; ++c)
                CHECK(std::fabs(read[i * cols + c] - values[i * cols + c]) <= largest / levels * 0.502f + 1e-29f);
        }
        CHECK(std::all_of(read.begin() + 7 * cols, read.begin() + 8 * cols, [](float v) { return v == 0.0f; }));
        // Rounding is idempotent: a model quantized again is the same model.
        std::vector<float> again = expected;
        round_to_quantized(again.data(), rows, cols, bits);
        CHECK(again == expected);
    }
}

TEST_CASE("quantized rows: a cut tensor, bits past the last row and over-wide rows are format errors") {
    const std::vector<float> values = {1, 2, 3, 4, 5, 6};
    ByteWriter w;
    w.quantized_rows(values.data(), 3, 2, 8);
    std::string bytes = w.bytes();
    std::vector<float> out(6);
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        ByteReader r(std::string_view(bytes).substr(0, cut), "cut");
        CHECK_THROWS_AS(r.quantized_rows(out.data(), 3, 2, 8, "tensor data"), FormatError);
    }
    bytes[0] = static_cast<char>(bytes[0] | 0x10);
    ByteReader past(bytes, "past");
    CHECK(contains(message_of<FormatError>([&] { past.quantized_rows(out.data(), 3, 2, 8, "tensor data"); }), "past the last"));
    ByteReader wide(w.bytes(), "wide");
    CHECK_THROWS_AS(wide.quantized_bytes(1, format::quantized_max_cols + 1, 8, "tensor data"), FormatError);
}
