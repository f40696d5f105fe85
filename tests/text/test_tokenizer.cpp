// Unit tests of tokenizer.hpp: tokenize against the workshop's Python (the fixture
// testdata/tokenizer_cases.tsv), the Keras filters and split character, and the one-pass ASCII
// path against normalize_text followed by Keras's split on random titles.
#include "newsclf/text/tokenizer.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "newsclf/text/utf8.hpp"
#include "test_support.hpp"

using newsclf::normalize_text;
using newsclf::NormalizerSettings;
using newsclf::tokenize;
using Tokens = std::vector<std::string>;

namespace {

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
            newsclf::append_utf8(out, static_cast<char32_t>(std::stoul(hex, nullptr, 16)));
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
