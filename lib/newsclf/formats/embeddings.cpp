#include "newsclf/formats/embeddings.hpp"

#include <charconv>
#include <cmath>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/base/log.hpp"

namespace newsclf {

namespace {

// Splits on runs of spaces and tabs, like Python's str.split() on these lines.
template <class F>
std::size_t for_each_field(std::string_view line, F&& f) {
    std::size_t count = 0, i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        if (i == line.size()) break;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
        f(count++, line.substr(i, j - i));
        i = j;
    }
    return count;
}

bool is_vec_header(std::string_view line, std::size_t* dimension) {
    std::size_t values[2] = {0, 0};
    bool numeric = true;
    std::size_t n = for_each_field(line, [&](std::size_t k, std::string_view f) {
        if (k >= 2) return;
        auto res = std::from_chars(f.data(), f.data() + f.size(), values[k]);
        numeric = numeric && res.ec == std::errc() && res.ptr == f.data() + f.size();
    });
    if (n != 2 || !numeric) return false;
    *dimension = values[1];
    return true;
}

}  // namespace

std::size_t vector_file_dimension(std::string_view text, const std::string& source) {
    text = without_utf8_bom(text);
    if (text.empty()) throw DataError(where(source) + "the vector file is empty");
    const std::string_view line = text.substr(0, text.find('\n'));
    std::size_t dimension = 0;
    if (is_vec_header(line, &dimension)) {
        if (dimension == 0 || dimension > 65536)  // newsclf-embed's bounds of --dim
            throw DataError(where(source, 1) + "the header says the vectors have " + std::to_string(dimension) +
                            " dimensions; expected 1 to 65536");
        return dimension;
    }
    const std::size_t fields = for_each_field(line, [](std::size_t, std::string_view) {});
    if (fields < 2 || fields > 65537)
        throw DataError(where(source, 1) + "not a word vector (a word, then 1 to 65536 values)");
    return fields - 1;
}

EmbeddingMatrix build_embedding_matrix(std::string_view text, const std::string& source, const Vocabulary& vocabulary,
                                       std::size_t rows, std::size_t dimension) {
    text = without_utf8_bom(text);
    if (rows < vocabulary.size() + 1)
        throw UsageError("the matrix needs at least " + std::to_string(vocabulary.size() + 1) + " rows for " +
                         std::to_string(vocabulary.size()) + " words plus padding");
    if (text.empty()) throw DataError(where(source) + "the vector file is empty");
    EmbeddingMatrix result;
    result.weights = Matrix::from_shape({rows, dimension});
    result.weights.fill(0.0f);
    std::vector<bool> seen(rows, false);
    std::size_t line_number = 0;
    bool first = true;
    ProgressBar bar(text.size(), source + " ", "bytes");
    for (std::size_t start = 0; start < text.size();) {
        if (line_number % 256 == 0) bar.update(start);
        std::size_t nl = text.find('\n', start);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (first) {
            first = false;
            std::size_t header_dimension = 0;
            if (is_vec_header(line, &header_dimension)) {
                if (header_dimension != dimension)
                    throw DataError(where(source, 1) + "the header says the vectors have " + std::to_string(header_dimension) +
                                    " dimensions, but the matrix needs " + std::to_string(dimension) + " (--dim)");
                continue;
            }
            std::size_t fields = for_each_field(line, [](std::size_t, std::string_view) {});
            if (fields != dimension + 1)
                throw DataError(where(source, 1) + "the vectors have " + std::to_string(fields > 0 ? fields - 1 : 0) +
                                " dimensions, but the matrix needs " + std::to_string(dimension) + " (--dim)");
        }
        std::size_t space = line.find(' ');
        if (line.empty()) continue;
        ++result.vectors;
        std::uint32_t index = vocabulary.index_of(line.substr(0, space));
        if (index == 0 || index >= rows) continue;
        float* row = result.weights.data() + static_cast<std::size_t>(index) * dimension;
        std::size_t fields = for_each_field(line, [&](std::size_t k, std::string_view f) {
            if (k == 0 || k > dimension) return;
            auto res = std::from_chars(f.data(), f.data() + f.size(), row[k - 1]);
            if (res.ec != std::errc() || res.ptr != f.data() + f.size())
                throw DataError(where(source, line_number) + "field " + std::to_string(k + 1) + " (\"" +
                                std::string(f.substr(0, 30)) + "\") is not a number");
            if (!std::isfinite(row[k - 1]))  // "nan", "inf": they would poison every model trained on them
                throw DataError(where(source, line_number) + "field " + std::to_string(k + 1) + " (\"" +
                                std::string(f.substr(0, 30)) + "\") is not a finite number");
        });
        if (fields != dimension + 1)
            throw DataError(where(source, line_number) + "has " + std::to_string(fields - 1) + " values, expected " +
                            std::to_string(dimension));
        if (!seen[index]) {
            seen[index] = true;
            ++result.found;
        }
    }
    return result;
}

}  // namespace newsclf
