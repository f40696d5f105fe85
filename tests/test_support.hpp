// Helpers shared by the unit tests: a temporary directory, the message of an expected exception,
// random vectors and embeddings, substring tests, and the files under testdata/.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/base/tensor.hpp"

// Vectors of strings (tokens, words, lines) print as ["a", "b"] in assertion messages.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& strings) {
        std::string out = "[";
        for (std::size_t i = 0; i < strings.size(); ++i) out += (i ? ", \"" : "\"") + strings[i] + "\"";
        return (out + "]").c_str();
    }
};
}  // namespace doctest

namespace newsclf::test {

// A fresh directory under the system's temporary directory, removed with its contents at scope exit.
struct TempDir {
    std::string path;
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "newsclf-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    // The path of name inside the directory.
    std::string file(const std::string& name) const { return path + "/" + name; }
    // The names of the directory's entries, in no particular order.
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator(path)) names.push_back(e.path().filename().string());
        return names;
    }
};

// "a DataError", "a FormatError", ...: the expected exception as message_of names it.
template <class E>
constexpr const char* exception_name() {
    if constexpr (std::is_same_v<E, DataError>) return "a DataError";
    else if constexpr (std::is_same_v<E, FormatError>) return "a FormatError";
    else if constexpr (std::is_same_v<E, IoError>) return "an IoError";
    else if constexpr (std::is_same_v<E, UsageError>) return "a UsageError";
    else if constexpr (std::is_same_v<E, Error>) return "a newsclf::Error";
    else return "an exception";
}

// The message of the E that f throws; FAILs the test when f throws nothing or another exception.
template <class E>
std::string message_of(const std::function<void()>& f) {
    static_assert(std::is_base_of_v<std::exception, E>, "message_of expects an exception type");
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (...) {
        try {
            throw;
        } catch (const std::exception& e) {
            FAIL("expected " << std::string(exception_name<E>()) << ", got: " << std::string(e.what()));
        }
    }
    FAIL("expected " << std::string(exception_name<E>()) << ", got none");
    return "";
}

// A value drawn uniformly from [low, high) by rng.
inline float uniform(PythonRandom& rng, double low, double high) { return static_cast<float>(low + (high - low) * rng.random()); }

// n values drawn uniformly from [low, high) by rng.
inline std::vector<float> uniform_vector(PythonRandom& rng, std::size_t n, double low = -1.0, double high = 1.0) {
    std::vector<float> v(n);
    for (auto& x : v) x = uniform(rng, low, high);
    return v;
}

// A rows x dim embedding with uniform values in [-1, 1) from Python's random.Random(seed), and
// zero rows: by default for padding (0) and for two words without a vector (3 and 9).
inline Matrix random_embedding(std::size_t rows, std::size_t dim, std::uint64_t seed,
                               const std::vector<std::size_t>& zero_rows = {0, 3, 9}) {
    PythonRandom rng(seed);
    Matrix m = xt::zeros<float>({rows, dim});
    for (std::size_t r = 0; r < rows; ++r) {
        if (std::find(zero_rows.begin(), zero_rows.end(), r) != zero_rows.end()) continue;
        for (std::size_t d = 0; d < dim; ++d) m(r, d) = static_cast<float>(2.0 * rng.random() - 1.0);
    }
    return m;
}

// 0, 1, ..., n - 1: the row numbers of n rows.
inline std::vector<std::size_t> row_numbers(std::size_t n) {
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i;
    return v;
}

// The documented hash, written out independently: h = t1, h = h * 116049371 + tk (mod 2^64),
// bucket = (h xor h >> 32) mod 2^32 mod buckets.
inline std::uint32_t expected_bucket(const std::vector<std::uint64_t>& ids, std::size_t buckets) {
    std::uint64_t h = ids[0];
    for (std::size_t k = 1; k < ids.size(); ++k) h = h * 116049371u + ids[k];
    return static_cast<std::uint32_t>(static_cast<std::uint32_t>(h ^ (h >> 32)) % buckets);
}

// Whether part occurs in s.
inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Writes bytes to path (its directories made as needed) without the code under test; executable:
// mode 0755, for a script.
inline void write_file(const std::string& path, const std::string& bytes, bool executable = false) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    {
        std::ofstream out(path, std::ios::binary);
        out << bytes;
        REQUIRE(out.good());
    }
    if (executable) ::chmod(path.c_str(), 0755);
}

// The path of a file of the source tree, given relative to its top (e.g. "testdata/news.sample.tsv"):
// under NEWSCLF_SOURCE_DIR, which ctest sets, else the directory the test started in. Not compiled
// in, so that the objects of one clone are those of another (and come from ccache).
inline std::string source_path(const std::string& relative) {
    static const std::string top = [] {
        const char* dir = std::getenv("NEWSCLF_SOURCE_DIR");
        return dir && *dir ? std::string(dir) : std::filesystem::current_path().string();
    }();
    return top + "/" + relative;
}

// The path of a committed fixture, testdata/fixtures/<name>.
inline std::string fixture_path(const std::string& name) { return source_path("testdata/fixtures/" + name); }

// The bytes of the committed fixture testdata/fixtures/<name>.
inline std::string read_fixture(const std::string& name) { return read_bytes(fixture_path(name)).str(); }

}  // namespace newsclf::test
