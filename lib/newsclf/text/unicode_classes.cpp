// Python's character classes by binary search in the generated ranges of unicode_tables.inc.
#include "newsclf/text/unicode_classes.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace newsclf {
namespace {

struct CodePointRange {
    char32_t first, last;
};
struct LowerRun {
    char32_t first, last;
    std::int32_t step, delta;
};
struct SpecialLower {
    char32_t code_point;
    char32_t lower[3];
};

#include "newsclf/text/unicode_tables.inc"

// Whether c lies in one of the ordered, disjoint ranges.
template <std::size_t N>
constexpr bool in_ranges(const CodePointRange (&ranges)[N], char32_t c) {
    std::size_t lo = 0, hi = N;  // the first range whose last is >= c
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (ranges[mid].last < c) lo = mid + 1;
        else hi = mid;
    }
    return lo < N && ranges[lo].first <= c;
}

constexpr AsciiClasses make_ascii_classes() {
    AsciiClasses classes{};
    for (char32_t c = 0; c < 128; ++c) {
        classes.space[c] = in_ranges(python_space_ranges, c);
        classes.word[c] = in_ranges(python_word_ranges, c);
    }
    return classes;
}

}  // namespace

// Constant-initialised, so that it is whole before any other file's static initialisers run.
extern const AsciiClasses python_ascii_classes = make_ascii_classes();

bool is_python_space(char32_t c) {
    return c < 128 ? python_ascii_classes.space[c] : in_ranges(python_space_ranges, c);
}

bool is_python_word(char32_t c) { return c < 128 ? python_ascii_classes.word[c] : in_ranges(python_word_ranges, c); }

char32_t python_lower(char32_t c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    // The last run that starts at or before c.
    const auto* run = std::upper_bound(std::begin(python_lower_runs), std::end(python_lower_runs), c,
                                       [](char32_t x, const LowerRun& r) { return x < r.first; });
    if (run != std::begin(python_lower_runs)) {
        --run;
        if (c <= run->last && (c - run->first) % static_cast<char32_t>(run->step) == 0)
            return static_cast<char32_t>(static_cast<std::int32_t>(c) + run->delta);
    }
    for (const auto& s : python_special_lowers)
        if (s.code_point == c) return s.lower[0];
    return c;
}

void append_python_lower(char32_t c, std::u32string& out) {
    if (c >= 0x80)
        for (const auto& s : python_special_lowers)
            if (s.code_point == c) {
                for (char32_t l : s.lower)
                    if (l != 0) out.push_back(l);
                return;
            }
    out.push_back(python_lower(c));
}

const char* python_unicode_version() { return python_unicode_version_string; }

}  // namespace newsclf
