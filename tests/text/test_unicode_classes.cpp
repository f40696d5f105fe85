// Unit tests of unicode_classes.hpp: Python's \s, \w and str.lower on chosen code points.
#include "newsclf/text/unicode_classes.hpp"

#include <doctest/doctest.h>

#include <ios>
#include <string>

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
