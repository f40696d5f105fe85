// Unit tests of lib/newsclf/text: normalize_text and tokenize against the workshop's Python (the
// fixture testdata/tokenizer_cases.tsv), each regular-expression step, the character classes, UTF-8.
#include "newsclf/text/text.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

using newsclf::normalize_text;
using newsclf::NormalizerSettings;
using newsclf::tokenize;
using Tokens = std::vector<std::string>;

namespace {

std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

// The fixture's escapes: \t, \\ and \u{XXXX}. Anything else after a backslash is an error.
bool unescape(const std::string& field, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] != '\\') {
            out += field[i];
            continue;
        }
        if (i + 1 >= field.size()) return false;
        char e = field[++i];
        if (e == 't') {
            out += '\t';
        } else if (e == '\\') {
            out += '\\';
        } else if (e == 'u' && i + 1 < field.size() && field[i + 1] == '{') {
            std::size_t close = field.find('}', i + 2);
            if (close == std::string::npos || close == i + 2) return false;
            std::string hex = field.substr(i + 2, close - i - 2);
            if (hex.find_first_not_of("0123456789ABCDEF") != std::string::npos) return false;
            out += utf8(static_cast<char32_t>(std::stoul(hex, nullptr, 16)));
            i = close;
        } else {
            return false;
        }
    }
    return true;
}

Tokens split_tokens(const std::string& s) {
    Tokens out;
    std::istringstream in(s);
    for (std::string t; std::getline(in, t, ' ');)
        if (!t.empty()) out.push_back(t);
    return out;
}

}  // namespace

TEST_CASE("tokenize gives the workshop's tokens for every headline of the fixture") {
    std::ifstream in(newsclf::test::source_path("testdata/tokenizer_cases.tsv"));
    REQUIRE_MESSAGE(in, "cannot open testdata/tokenizer_cases.tsv");
    std::size_t line_number = 0, cases = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_number;
        std::size_t tab = line.find('\t');
        if (tab == std::string::npos && (line.empty() || line[0] == '#')) continue;
        INFO("testdata/tokenizer_cases.tsv:" << line_number << ": " << line);
        REQUIRE_MESSAGE(tab != std::string::npos, "no TAB between headline and tokens");
        REQUIRE_MESSAGE(line.find('\t', tab + 1) == std::string::npos, "more than one TAB");
        std::string headline, expected;
        REQUIRE_MESSAGE(unescape(line.substr(0, tab), headline), "bad escape in the headline");
        REQUIRE_MESSAGE(unescape(line.substr(tab + 1), expected), "bad escape in the tokens");
        CHECK(newsclf::find_invalid_utf8(headline) == std::string_view::npos);
        CHECK(tokenize(headline) == split_tokens(expected));
        ++cases;
    }
    CHECK(cases >= 90);
}

TEST_CASE("normalize_text: each regular expression on small strings") {
    SUBCASE("\\s\\W: a space and the non-word character after it become one space") {
        CHECK(normalize_text("x -y") == "x y");
        CHECK(normalize_text("x --y") == "x -y");    // one pass: only the first dash goes
        CHECK(normalize_text("x ---y") == "x --y");
        CHECK(normalize_text("a  b") == "a b");      // a space is itself \W
        CHECK(normalize_text("a _b") == "a _b");     // _ is a word character
        CHECK(normalize_text("(a) [b]") == "(a b]");  // nothing precedes the first bracket
    }
    SUBCASE("\\W\\s: a non-word character and the space after it become one space") {
        CHECK(normalize_text("x- y") == "x y");
        CHECK(normalize_text("x-- y") == "x- y");
        CHECK(normalize_text("a_ b") == "a_ b");
        CHECK(normalize_text("'a' 'b'") == "'a b'");  // the quotes at both ends stay
        CHECK(normalize_text("Wait\u2026") == "wait\u2026");
    }
    SUBCASE("both, then \\s+: runs of whitespace become one space, ends are kept") {
        CHECK(normalize_text("x - y") == "x y");
        CHECK(normalize_text("x -- y") == "x y");
        CHECK(normalize_text("a   b") == "a b");
        CHECK(normalize_text("a\t\tb") == "a b");
        CHECK(normalize_text(" a ") == " a ");
        CHECK(normalize_text("x \u2014 y") == "x y");
        CHECK(normalize_text("x\u2014y") == "x\u2014y");
        CHECK(normalize_text("1.5% -2") == "1.5 2");
    }
    SUBCASE("Unicode whitespace, as Python's \\s") {
        CHECK(normalize_text("A\u00A0-b") == "a b");  // no-break space
        CHECK(normalize_text("a\u3000b") == "a b");   // ideographic space
        CHECK(normalize_text("a\u0085b") == "a b");   // next line
        CHECK(normalize_text("a\x1C" "b") == "a b");  // file separator
        CHECK(normalize_text("a\u200B b") == "a b");  // zero width space: \W, not \s
        CHECK(normalize_text("a \u200Bb") == "a b");
    }
    SUBCASE("lower case as Python's str.lower") {
        CHECK(normalize_text("\u00C0\u00C9\u00CE\u00D5\u00DC\u00DE \u00DF \u0178") == "\u00E0\u00E9\u00EE\u00F5\u00FC\u00FE \u00DF \u00FF");
        CHECK(normalize_text("\u0130") == "i\u0307");  // the one character that lowers to two
        CHECK(normalize_text("\u0218\u021A \u01CD \u1EDE \u023B") == "\u0219\u021B \u01CE \u1EDF \u023C");
        CHECK(normalize_text("\u0386\u0388\u038C\u038F \u0391\u03A9") == "\u03AC\u03AD\u03CC\u03CE \u03B1\u03C9");
        CHECK(normalize_text("\u0401\u0410\u042F\u0490") == "\u0451\u0430\u044F\u0491");
        CHECK(normalize_text("\u212Aelvin\u2122 x") == "kelvin x");
    }
    SUBCASE("settings switch the steps off") {
        NormalizerSettings keep_case;
        keep_case.lower = false;
        CHECK(normalize_text("U.S. Stocks - Up", keep_case) == "U.S Stocks Up");
        NormalizerSettings lower_only;
        lower_only.workshop_rules = false;
        CHECK(normalize_text("U.S. Stocks - Up", lower_only) == "u.s. stocks - up");
    }
}

TEST_CASE("tokenize: Keras filters and split") {
    CHECK(tokenize("") == Tokens{});
    CHECK(tokenize("   ") == Tokens{});
    CHECK(tokenize("U.S. stocks, bonds") == Tokens{"u", "s", "stocks", "bonds"});
    NormalizerSettings s;
    SUBCASE("no filters: only spaces split") {
        s.filters = "";
        CHECK(tokenize("U.S. stocks, bonds", s) == Tokens{"u.s", "stocks", "bonds"});
    }
    SUBCASE("an apostrophe among the filters") {
        s.filters = "'";
        CHECK(tokenize("it's 'ok'", s) == Tokens{"it", "s", "ok"});
    }
    SUBCASE("filters beyond ASCII") {
        s.filters = "\u2019\u201C\u201D";
        CHECK(tokenize("Apple\u2019s \u201CiWatch\u201D U.S.", s) == Tokens{"apple", "s", "iwatch", "u.s."});
    }
    SUBCASE("another split character: spaces no longer split") {
        s.split = '|';
        CHECK(tokenize("a b.c", s) == Tokens{"a b", "c"});
    }
    SUBCASE("no lower case") {
        s.lower = false;
        s.workshop_rules = false;
        CHECK(tokenize("A b.c", s) == Tokens{"A", "b", "c"});
    }
}

TEST_CASE("character classes agree with Python 3.11 on chosen code points") {
    using newsclf::is_python_space;
    using newsclf::is_python_word;
    using newsclf::python_lower;
    struct Expected {
        char32_t c;
        bool space, word;
        char32_t lower;
    };
    // From Python: c.isspace(), c.isalnum() or c == '_', c.lower() (İ: its first code point).
    const Expected table[] = {
        {U'\t', true, false, U'\t'},  {0x0B, true, false, 0x0B},     {0x1F, true, false, 0x1F},
        {U' ', true, false, U' '},    {U'_', false, true, U'_'},     {U'Z', false, true, U'z'},
        {U'-', false, false, U'-'},   {U'\'', false, false, U'\''},  {0x85, true, false, 0x85},
        {0xA0, true, false, 0xA0},    {0xAA, false, true, 0xAA},     {0xAE, false, false, 0xAE},
        {0xB0, false, false, 0xB0},   {0xB2, false, true, 0xB2},     {0xBD, false, true, 0xBD},
        {0xD7, false, false, 0xD7},   {0xDF, false, true, 0xDF},     {0xC9, false, true, 0xE9},
        {0x130, false, true, U'i'},   {0x178, false, true, 0xFF},    {0x1C4, false, true, 0x1C6},
        {0x1C5, false, true, 0x1C6},  {0x2C6, false, true, 0x2C6},   {0x2DC, false, false, 0x2DC},
        {0x301, false, false, 0x301}, {0x37E, false, false, 0x37E},  {0x3A3, false, true, 0x3C3},
        {0x3F4, false, true, 0x3B8},  {0x404, false, true, 0x454},   {0x4C0, false, true, 0x4CF},
        {0x60C, false, false, 0x60C}, {0x627, false, true, 0x627},   {0x1E9E, false, true, 0xDF},
        {0x2009, true, false, 0x2009}, {0x200B, false, false, 0x200B}, {0x200D, false, false, 0x200D},
        {0x2013, false, false, 0x2013}, {0x2019, false, false, 0x2019}, {0x2026, false, false, 0x2026},
        {0x202F, true, false, 0x202F}, {0x2070, false, true, 0x2070}, {0x207A, false, false, 0x207A},
        {0x20AC, false, false, 0x20AC}, {0x20E3, false, false, 0x20E3}, {0x2113, false, true, 0x2113},
        {0x2122, false, false, 0x2122}, {0x2126, false, true, 0x3C9}, {0x2160, false, true, 0x2170},
        {0x2212, false, false, 0x2212}, {0x2460, false, true, 0x2460}, {0x24B6, false, false, 0x24D0},
        {0x2764, false, false, 0x2764}, {0x2E3A, false, false, 0x2E3A}, {0x3000, true, false, 0x3000},
        {0x3001, false, false, 0x3001}, {0x4E0A, false, true, 0x4E0A}, {0xFE0F, false, false, 0xFE0F},
        {0xFEFF, false, false, 0xFEFF}, {0xFF0C, false, false, 0xFF0C}, {0xFF21, false, true, 0xFF41},
        {0x1F100, false, true, 0x1F100}, {0x1F1FA, false, false, 0x1F1FA}, {0x1F3FD, false, false, 0x1F3FD},
        {0x1F600, false, false, 0x1F600}, {0xE0067, false, false, 0xE0067},
    };
    for (const auto& e : table) {
        INFO("U+" << std::hex << static_cast<unsigned long>(e.c));
        CHECK(is_python_space(e.c) == e.space);
        CHECK(is_python_word(e.c) == e.word);
        CHECK(static_cast<unsigned long>(python_lower(e.c)) == static_cast<unsigned long>(e.lower));
    }
}

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

// Keras's split of a normalised text: filters and the split character separate words.
std::vector<std::string> split_normalized(const std::string& normalized, const NormalizerSettings& settings) {
    std::vector<std::string> words;
    std::string current;
    for (char c : normalized) {
        if (c == settings.split || settings.filters.find(c) != std::string::npos) {
            if (!current.empty()) words.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) words.push_back(current);
    return words;
}

TEST_CASE("tokenize of ASCII titles (a one-pass split where the rules change nothing) equals normalize_text then the split") {
    // Characters chosen to make the three rules matter: spaces of every kind, apostrophes, filters,
    // control characters, letters, digits and '_'.
    const std::string alphabet = "aB1_ ' \t\x0b\x0c\r\x1c\x1f\x01\x7f!,.-\"&'x yZ'";
    std::uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::size_t>(state >> 33);
    };
    const NormalizerSettings settings;
    NormalizerSettings other_filters;
    other_filters.filters = "!,a";  // apostrophe, '.', '-' and '"' are then word-internal candidates
    for (int i = 0; i < 20000; ++i) {
        std::string title;
        for (std::size_t n = next() % 12; n > 0; --n) title += alphabet[next() % alphabet.size()];
        for (const NormalizerSettings* s : std::vector<const NormalizerSettings*>{&settings, &other_filters}) {
            INFO("title: \"" << title << "\"");
            CHECK(newsclf::tokenize(title, *s) == split_normalized(normalize_text(title, *s), *s));
        }
    }
    CHECK(newsclf::tokenize("Kardashian's wedding: 'guests' revealed") ==
          std::vector<std::string>{"kardashian's", "wedding", "guests", "revealed"});
}
