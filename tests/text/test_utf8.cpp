// Unit tests of utf8.hpp: the validity check (overlong forms, surrogates, truncated sequences),
// the decoder and the encoder.
#include "newsclf/text/utf8.hpp"

#include <doctest/doctest.h>

#include <ios>
#include <string>

TEST_CASE("find_invalid_utf8 gives the offset of the first bad sequence") {
    using newsclf::find_invalid_utf8;
    constexpr auto ok = std::string_view::npos;
    SUBCASE("valid text, including the edges of each length") {
        CHECK(find_invalid_utf8("") == ok);
        CHECK(find_invalid_utf8("plain ASCII\x7F") == ok);
        CHECK(find_invalid_utf8("\xC2\x80 \xDF\xBF") == ok);                   // U+0080, U+07FF
        CHECK(find_invalid_utf8("\xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80") == ok);  // U+0800, U+D7FF, U+E000
        CHECK(find_invalid_utf8("\xEF\xBF\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF") == ok);  // U+FFFF ... U+10FFFF
        CHECK(find_invalid_utf8("Beyonc\xC3\xA9 \xF0\x9F\x9A\x80") == ok);
    }
    SUBCASE("overlong encodings") {
        CHECK(find_invalid_utf8("ab\xC0\xAF") == 2);          // '/' in two bytes
        CHECK(find_invalid_utf8("ab\xC1\xBF") == 2);
        CHECK(find_invalid_utf8("ab\xE0\x80\xAF") == 2);      // '/' in three bytes
        CHECK(find_invalid_utf8("ab\xE0\x9F\xBF") == 2);      // U+07FF in three bytes
        CHECK(find_invalid_utf8("ab\xF0\x80\x80\xAF") == 2);  // '/' in four bytes
        CHECK(find_invalid_utf8("ab\xF0\x8F\xBF\xBF") == 2);  // U+FFFF in four bytes
    }
    SUBCASE("surrogates and code points beyond U+10FFFF") {
        CHECK(find_invalid_utf8("x\xED\xA0\x80") == 1);  // U+D800
        CHECK(find_invalid_utf8("x\xED\xBF\xBF") == 1);  // U+DFFF
        CHECK(find_invalid_utf8("x\xF4\x90\x80\x80") == 1);  // U+110000
        CHECK(find_invalid_utf8("x\xF5\x80\x80\x80") == 1);
    }
    SUBCASE("truncated sequences and stray bytes") {
        CHECK(find_invalid_utf8("caf\xC3") == 3);             // cut at the end
        CHECK(find_invalid_utf8("\xE2\x82") == 0);
        CHECK(find_invalid_utf8("\xF0\x9F\x9A") == 0);
        CHECK(find_invalid_utf8("\xE2\x82" "A") == 0);        // a continuation byte missing
        CHECK(find_invalid_utf8("ok \xF0\x9F" "A\x80") == 3);
        CHECK(find_invalid_utf8("a\x80") == 1);               // lone continuation byte
        CHECK(find_invalid_utf8("a\xBF") == 1);
        CHECK(find_invalid_utf8("a\xF8\x88\x80\x80\x80") == 1);  // five-byte form
        CHECK(find_invalid_utf8("a\xFE\xFF") == 1);
        CHECK(find_invalid_utf8("\xC3\xA9\xC3") == 2);        // after a valid character
    }
}

TEST_CASE("every code point survives append_utf8 then decode_utf8, and is valid UTF-8") {
    std::string all;
    std::u32string expected;
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        std::string one;
        newsclf::append_utf8(one, c);
        const std::size_t want = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (one.size() != want) FAIL_CHECK("U+" << std::hex << static_cast<unsigned long>(c) << " takes " << one.size() << " bytes");
        const newsclf::Utf8Char decoded = newsclf::decode_utf8_char(one, 0);
        if (decoded.code_point != c || decoded.length != want)
            FAIL_CHECK("U+" << std::hex << static_cast<unsigned long>(c) << " decodes wrongly");
        all += one;
        expected.push_back(c);
    }
    CHECK(newsclf::find_invalid_utf8(all) == std::string_view::npos);
    CHECK(newsclf::decode_utf8(all) == expected);
    CHECK(newsclf::encode_utf8(expected) == all);
}

TEST_CASE("decode_utf8 turns each byte that starts no valid sequence into U+FFFD") {
    using newsclf::decode_utf8;
    CHECK(decode_utf8("") == U"");
    CHECK(decode_utf8("caf\xC3\xA9") == U"caf\u00E9");
    CHECK(decode_utf8("a\x80" "b") == U"a\uFFFDb");
    CHECK(decode_utf8("\xC0\xAF") == U"\uFFFD\uFFFD");  // overlong: both bytes are strays
    CHECK(decode_utf8("x\xED\xA0\x80") == U"x\uFFFD\uFFFD\uFFFD");  // a surrogate
    CHECK(decode_utf8("ok\xE2\x82") == U"ok\uFFFD\uFFFD");  // cut at the end
    CHECK(newsclf::decode_utf8_char("\xE2\x82\xAC", 0).code_point == 0x20AC);
    CHECK(newsclf::decode_utf8_char("\xE2\x82\xAC", 0).length == 3);
    CHECK(newsclf::decode_utf8_char("\xE2\x82", 0).length == 0);
}

TEST_CASE("is_ascii") {
    CHECK(newsclf::is_ascii(""));
    CHECK(newsclf::is_ascii(std::string("\0\x7F plain", 8)));
    CHECK_FALSE(newsclf::is_ascii("caf\xC3\xA9"));
    CHECK_FALSE(newsclf::is_ascii("\x80"));
}
