// The tokenizer, with a one-pass path for the ASCII titles whose words the workshop's rules
// cannot change.
#include "newsclf/text/tokenizer.hpp"

#include <algorithm>
#include <iterator>

#include "newsclf/text/unicode_classes.hpp"
#include "newsclf/text/utf8.hpp"

namespace newsclf {
namespace {

// Lower-cases an ASCII title into `lowered` and hands its words to on_token, when the workshop's
// rules cannot change them: then the words are the runs of characters that are neither spaces
// nor separators. The rules replace a pair of a space and a non-word character by one space; with
// every non-word character a separator or a space that changes no word, and a non-word
// character that is neither (an apostrophe) is untouched by them when both its neighbours are
// word characters. Returns false, having called nothing, when the title needs the full rules.
bool split_simple_ascii(std::string_view text, const bool (&separator)[128], std::string& lowered,
                        const std::function<void(std::string_view)>& on_token) {
    const auto& ascii = python_ascii_classes;
    const std::size_t n = text.size();
    lowered.resize(n);
    char* out = lowered.data();
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!separator[c] && !ascii.space[c] && !ascii.word[c]) {
            const bool inside = i > 0 && i + 1 < n && ascii.word[static_cast<unsigned char>(text[i - 1])] &&
                                ascii.word[static_cast<unsigned char>(text[i + 1])];
            if (!inside) return false;
        }
        out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : static_cast<char>(c);
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i <= n; ++i) {
        if (i == n || separator[static_cast<unsigned char>(out[i])] || ascii.space[static_cast<unsigned char>(out[i])]) {
            if (i > start) on_token(std::string_view(out + start, i - start));
            start = i + 1;
        }
    }
    return true;
}

// The ASCII characters that split words under some settings: the filters' and the split character.
const bool (&ascii_separators(const NormalizerSettings& settings))[128] {
    struct Table {
        bool built = false;
        std::string filters;
        char split = 0;
        bool separator[128] = {};
    };
    thread_local Table table;  // built again only when the settings change
    if (!table.built || table.split != settings.split || table.filters != settings.filters) {
        std::fill(std::begin(table.separator), std::end(table.separator), false);
        for (char c : settings.filters)
            if (static_cast<unsigned char>(c) < 0x80) table.separator[static_cast<unsigned char>(c)] = true;
        if (static_cast<unsigned char>(settings.split) < 0x80) table.separator[static_cast<unsigned char>(settings.split)] = true;
        table.filters = settings.filters;
        table.split = settings.split;
        table.built = true;
    }
    return table.separator;
}

}  // namespace

void for_each_token(std::string_view text, const NormalizerSettings& settings,
                    const std::function<void(std::string_view)>& on_token) {
    if (is_ascii(text)) {
        // Only the filters' ASCII characters can occur in an ASCII title.
        const bool(&separator)[128] = ascii_separators(settings);
        thread_local std::string lowered, scratch, s;  // reused: a headline allocates nothing
        if (settings.lower && settings.workshop_rules && settings.split == ' ' &&
            split_simple_ascii(text, separator, lowered, on_token))
            return;
        normalize_ascii(text, settings, lowered, scratch, s);
        std::size_t start = 0;
        for (std::size_t i = 0; i <= s.size(); ++i) {
            if (i == s.size() || separator[static_cast<unsigned char>(s[i])]) {
                if (i > start) on_token(std::string_view(s).substr(start, i - start));
                start = i + 1;
            }
        }
        return;
    }
    std::u32string s = normalize_code_points(text, settings);
    std::string current;
    const std::u32string filters = decode_utf8(settings.filters);  // Keras filters may be any characters
    auto is_filter = [&](char32_t c) { return filters.find(c) != std::u32string::npos; };
    for (char32_t c : s) {
        if (c == static_cast<char32_t>(static_cast<unsigned char>(settings.split)) || is_filter(c)) {
            if (!current.empty()) on_token(current);
            current.clear();
        } else {
            append_utf8(current, c);
        }
    }
    if (!current.empty()) on_token(current);
}

std::vector<std::string> tokenize(std::string_view text, const NormalizerSettings& settings) {
    std::vector<std::string> tokens;
    for_each_token(text, settings, [&](std::string_view word) { tokens.emplace_back(word); });
    return tokens;
}

}  // namespace newsclf
