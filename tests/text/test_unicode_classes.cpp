// Unit tests of unicode_classes.hpp: Python's \s, \w and str.lower on chosen code points, and a
// dump of them for every code point that tests/cli/test-unicode-tables.sh compares with Python.
#include "newsclf/text/unicode_classes.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <ios>
#include <string>
#include <utility>
#include <vector>

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

TEST_CASE("Python's \\w excludes combining marks and unassigned code points") {
    using newsclf::is_python_word;
    CHECK_FALSE(is_python_word(0x0901));  // DEVANAGARI SIGN CANDRABINDU, a mark (Mn)
    CHECK_FALSE(is_python_word(0x093F));  // DEVANAGARI VOWEL SIGN I (Mc)
    CHECK(is_python_word(0x0915));        // DEVANAGARI LETTER KA
    CHECK(is_python_word(0x0966));        // DEVANAGARI DIGIT ZERO
    CHECK_FALSE(is_python_word(0x0378));  // unassigned
    CHECK_FALSE(is_python_word(0xE000));  // private use
    CHECK_FALSE(is_python_word(0x10FFFF));
    CHECK(is_python_word(0x20000));       // a CJK ideograph of plane 2
    CHECK(std::string(newsclf::python_unicode_version()) == "14.0.0");
}

namespace {

// Appends "NAME FIRST LAST" lines for the ranges of code points where holds(c), as the script's
// --dump writes them.
template <class Predicate>
void dump_ranges(std::ostream& out, const char* name, Predicate holds) {
    long first = -1;
    for (long c = 0; c <= 0x110000; ++c) {
        const bool in = c <= 0x10FFFF && holds(static_cast<char32_t>(c));
        if (in && first < 0) first = c;
        if (!in && first >= 0) {
            out << name << ' ' << std::setw(4) << first << ' ' << std::setw(4) << c - 1 << '\n';
            first = -1;
        }
    }
}

}  // namespace

// The comparison with Python over every code point: tests/cli/test-unicode-tables.sh runs this
// case with NEWSCLF_UNICODE_DUMP set and compares the file with scripts/unicode-tables.py --dump.
TEST_CASE("the classes of every code point, dumped for the comparison with Python") {
    std::ostringstream out;
    out << std::uppercase << std::hex << std::setfill('0');
    out << "unicode " << newsclf::python_unicode_version() << '\n';
    dump_ranges(out, "space", newsclf::is_python_space);
    dump_ranges(out, "word", newsclf::is_python_word);
    std::vector<std::pair<char32_t, std::u32string>> specials;
    long run_first = -1, run_last = -1, run_delta = 0;
    auto end_run = [&] {
        if (run_first >= 0)
            out << "lower " << std::setw(4) << run_first << ' ' << std::setw(4) << run_last << ' ' << std::dec
                << run_delta << std::hex << '\n';
        run_first = -1;
    };
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
        std::u32string lowered;
        newsclf::append_python_lower(c, lowered);
        REQUIRE(!lowered.empty());
        if (lowered[0] != newsclf::python_lower(c)) FAIL_CHECK("python_lower is not the first code point of the lower case");
        if (lowered.size() > 1) {
            specials.emplace_back(c, lowered);
            continue;
        }
        if (lowered[0] == c) continue;
        const long delta = static_cast<long>(lowered[0]) - static_cast<long>(c);
        if (run_first >= 0 && run_last == static_cast<long>(c) - 1 && run_delta == delta) {
            run_last = c;
            continue;
        }
        end_run();
        run_first = run_last = c;
        run_delta = delta;
    }
    end_run();
    for (const auto& [c, lowered] : specials) {
        out << "lower-special " << std::setw(4) << static_cast<unsigned long>(c);
        for (char32_t l : lowered) out << ' ' << std::setw(4) << static_cast<unsigned long>(l);
        out << '\n';
    }
    const std::string dump = out.str();
    CHECK(dump.find("\nword 0030 0039\n") != std::string::npos);
    CHECK(dump.find("\nspace 0009 000D\n") != std::string::npos);
    CHECK(dump.find("\nlower 0041 005A 32\n") != std::string::npos);
    CHECK(dump.find("\nlower-special 0130 0069 0307\n") != std::string::npos);
    if (const char* path = std::getenv("NEWSCLF_UNICODE_DUMP")) {
        std::ofstream file(path, std::ios::binary);
        file << dump;
        REQUIRE_MESSAGE(file.good(), "cannot write " << path);
    }
}
