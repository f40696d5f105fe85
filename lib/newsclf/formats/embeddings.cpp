#include "newsclf/formats/embeddings.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <exception>
#include <thread>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"

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

namespace {

// A line of the file whose word has a row in the matrix.
struct VectorLine {
    std::uint32_t index;     // the word's row
    std::string_view text;   // the whole line
    std::size_t line;        // its number within its piece of the file (from 1)
};

// Lines of one piece of the file: how many, how many vectors (non-empty lines), and those for rows.
struct Piece {
    std::string_view text;
    std::size_t lines = 0, vectors = 0, first_line = 0;  // first_line: of the file, before the piece's first
    std::vector<VectorLine> found;
    std::exception_ptr error;  // that of the piece's first vector line that could not be read
};

template <class F>
void for_each_line(std::string_view text, F&& f) {
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        f(text.substr(start, end - start));
        start = end + 1;
    }
}

// The values of a vector line into row[0..dimension); a DataError naming the line and field.
void read_vector(std::string_view line, const std::string& source, std::size_t line_number, std::size_t dimension,
                 float* row) {
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
}

// The file cut into about `count` pieces of whole lines.
std::vector<Piece> cut_into_pieces(std::string_view text, std::size_t count) {
    std::vector<Piece> pieces;
    std::size_t start = 0;
    for (std::size_t k = 1; k <= count && start < text.size(); ++k) {
        std::size_t end = k == count ? text.size() : std::max(start, text.size() * k / count);
        if (end < text.size()) {
            end = text.find('\n', end);
            end = end == std::string_view::npos ? text.size() : end + 1;
        }
        if (end == start) continue;
        pieces.push_back({});
        pieces.back().text = text.substr(start, end - start);
        start = end;
    }
    return pieces;
}

}  // namespace

// Two passes over pieces of the file on the threads: the first finds the lines of the vocabulary's
// words, the second reads their values. A word given twice keeps its last vector, and the error
// reported is that of the first bad line, as reading the file line by line would.
EmbeddingMatrix build_embedding_matrix(std::string_view text, const std::string& source, const Vocabulary& vocabulary,
                                       std::size_t rows, std::size_t dimension, std::size_t threads) {
    text = without_utf8_bom(text);
    if (rows < vocabulary.size() + 1)
        throw UsageError("the matrix needs at least " + std::to_string(vocabulary.size() + 1) + " rows for " +
                         std::to_string(vocabulary.size()) + " words plus padding");
    if (text.empty()) throw DataError(where(source) + "the vector file is empty");
    EmbeddingMatrix result;
    result.weights = Matrix::from_shape({rows, dimension});
    result.weights.fill(0.0f);

    // The first line: a .vec header to check and skip, or a vector of the right dimension.
    const std::string_view first = text.substr(0, text.find('\n'));
    std::size_t header_dimension = 0, skipped_lines = 0;
    if (is_vec_header(first, &header_dimension)) {
        if (header_dimension != dimension)
            throw DataError(where(source, 1) + "the header says the vectors have " + std::to_string(header_dimension) +
                            " dimensions, but the matrix needs " + std::to_string(dimension) + " (--dim)");
        text.remove_prefix(std::min(text.size(), first.size() + 1));
        skipped_lines = 1;
    } else {
        std::size_t fields = for_each_field(first, [](std::size_t, std::string_view) {});
        if (fields != dimension + 1)
            throw DataError(where(source, 1) + "the vectors have " + std::to_string(fields > 0 ? fields - 1 : 0) +
                            " dimensions, but the matrix needs " + std::to_string(dimension) + " (--dim)");
    }

    threads = resolve_threads(threads);
    // One piece on one thread (the plain path); else pieces of at least 1 MiB, four a thread.
    std::vector<Piece> pieces =
        cut_into_pieces(text, threads == 1 ? 1 : std::min(threads * 4, text.size() / (1 << 20) + 1));
    ProgressBar bar(text.size(), source + " ", "bytes");
    std::atomic<std::size_t> bytes_done{0};
    const std::thread::id caller = std::this_thread::get_id();
    parallel_for(threads, pieces.size(), [&](std::size_t k) {
        Piece& p = pieces[k];
        for_each_line(p.text, [&](std::string_view line) {
            ++p.lines;
            if (line.empty()) return;
            ++p.vectors;
            const std::uint32_t index = vocabulary.index_of(line.substr(0, line.find(' ')));
            if (index != 0 && index < rows) p.found.push_back({index, line, p.lines});
        });
        bytes_done += p.text.size() / 2;
        if (std::this_thread::get_id() == caller) bar.update(bytes_done);
    });

    // Each row's vector comes from the word's last line.
    std::vector<const VectorLine*> last(rows, nullptr);
    std::size_t line = skipped_lines;
    for (Piece& p : pieces) {
        p.first_line = line;
        line += p.lines;
        result.vectors += p.vectors;
        for (const VectorLine& v : p.found) last[v.index] = &v;
    }
    parallel_for(threads, pieces.size(), [&](std::size_t k) {
        Piece& p = pieces[k];
        std::vector<float> unused(dimension);
        for (const VectorLine& v : p.found) {
            float* row = last[v.index] == &v ? result.weights.data() + static_cast<std::size_t>(v.index) * dimension
                                             : unused.data();
            try {
                read_vector(v.text, source, p.first_line + v.line, dimension, row);
            } catch (const DataError&) {
                p.error = std::current_exception();
                return;
            }
        }
        bytes_done += p.text.size() - p.text.size() / 2;
        if (std::this_thread::get_id() == caller) bar.update(bytes_done);
    });
    for (const Piece& p : pieces)
        if (p.error) std::rethrow_exception(p.error);
    for (std::size_t r = 0; r < rows; ++r) result.found += last[r] != nullptr;
    return result;
}

}  // namespace newsclf
