// Unit tests of line_reader.hpp: line splitting across read chunks, line numbers, the line length
// limit, compressed input, missing files.
#include "newsclf/io/line_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "io/files.hpp"
#include "newsclf/base/error.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

std::vector<std::string> all_lines(const std::string& path) {
    LineReader reader(path);
    std::vector<std::string> lines;
    std::string line;
    while (reader.next(line)) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("LineReader splits lines and counts them") {
    TempDir dir;
    SUBCASE("every line ends with a newline") {
        write_file(dir.file("a"), "one\ntwo\n\nfour\n");
        CHECK(all_lines(dir.file("a")) == std::vector<std::string>{"one", "two", "", "four"});
    }
    SUBCASE("the last line has no newline") {
        write_file(dir.file("a"), "one\ntwo");
        CHECK(all_lines(dir.file("a")) == std::vector<std::string>{"one", "two"});
    }
    SUBCASE("an empty file has no lines") {
        write_file(dir.file("a"), "");
        CHECK(all_lines(dir.file("a")).empty());
    }
    SUBCASE("a lone newline is one empty line") {
        write_file(dir.file("a"), "\n");
        CHECK(all_lines(dir.file("a")) == std::vector<std::string>{""});
    }
    SUBCASE("lines across the 64 KiB read chunks") {
        std::string text;
        std::vector<std::string> expected;
        for (int i = 0; i < 30000; ++i) {
            expected.push_back("line " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 13), 'x'));
            text += expected.back() + "\n";
        }
        write_file(dir.file("a"), text);
        CHECK(all_lines(dir.file("a")) == expected);
    }
    SUBCASE("line numbers and the name") {
        write_file(dir.file("a"), "x\ny\n");
        LineReader reader(dir.file("a"));
        CHECK(reader.name() == dir.file("a"));
        std::string line;
        CHECK(reader.line_number() == 0);
        REQUIRE(reader.next(line));
        CHECK(reader.line_number() == 1);
        REQUIRE(reader.next(line));
        CHECK(line == "y");
        CHECK(reader.line_number() == 2);
        CHECK_FALSE(reader.next(line));
        CHECK_FALSE(reader.next(line));  // stays at the end
        CHECK(reader.line_number() == 2);
    }
}

TEST_CASE("LineReader decompresses xz and gzip input whole") {
    TempDir dir;
    std::string text;
    std::vector<std::string> expected;
    for (int i = 0; i < 5000; ++i) {
        expected.push_back("headline " + std::to_string(i));
        text += expected.back() + "\n";
    }
    write_file(dir.file("x"), text);
    write_file(dir.file("g"), text);
    write_file(dir.file("short"), "a");  // shorter than the xz magic: plain text
    run("xz -q " + dir.file("x"));
    run("gzip -q " + dir.file("g"));
    CHECK(all_lines(dir.file("x.xz")) == expected);
    CHECK(all_lines(dir.file("g.gz")) == expected);
    CHECK(all_lines(dir.file("short")) == std::vector<std::string>{"a"});

    std::string bad = slurp(dir.file("g.gz"));
    write_file(dir.file("bad.gz"), bad.substr(0, bad.size() / 2));
    CHECK_THROWS_AS(all_lines(dir.file("bad.gz")), DataError);
}

TEST_CASE("LineReader refuses a line over 1 MiB and names it") {
    TempDir dir;
    const std::size_t limit = LineReader::max_line_bytes;
    REQUIRE(limit == 1u << 20);
    SUBCASE("a line of exactly the limit is read") {
        write_file(dir.file("a"), "short\n" + std::string(limit, 'a') + "\nafter\n");
        auto lines = all_lines(dir.file("a"));
        REQUIRE(lines.size() == 3);
        CHECK(lines[1].size() == limit);
        CHECK(lines[2] == "after");
    }
    SUBCASE("one byte more, followed by a newline") {
        write_file(dir.file("a"), "short\n" + std::string(limit + 1, 'a') + "\nafter\n");
        LineReader reader(dir.file("a"));
        std::string line;
        REQUIRE(reader.next(line));
        CHECK_THROWS_AS(reader.next(line), DataError);
        CHECK(message_of<std::exception>([&] { all_lines(dir.file("a")); }).find(dir.file("a") + ":2:") == 0);
    }
    SUBCASE("a long last line without a newline") {
        write_file(dir.file("a"), "1\n2\n" + std::string(3 * limit, 'b'));
        std::string message = message_of<std::exception>([&] { all_lines(dir.file("a")); });
        CHECK(message.find(dir.file("a") + ":3:") == 0);
        CHECK(message.find("longer than") != std::string::npos);
    }
}

TEST_CASE("LineReader of a missing file is an IoError") {
    TempDir dir;
    CHECK_THROWS_AS(LineReader(dir.file("nope")), IoError);
    CHECK(message_of<IoError>([&] { LineReader reader(dir.file("nope")); }).find(dir.file("nope")) == 0);
}

TEST_CASE("LineReader drops a UTF-8 byte-order mark at the start of the input only") {
    TempDir dir;
    write_file(dir.file("a"), "\xEF\xBB\xBF{\"input\": \"x\"}\n\xEF\xBB\xBFtwo");
    CHECK(all_lines(dir.file("a")) == std::vector<std::string>{"{\"input\": \"x\"}", "\xEF\xBB\xBFtwo"});
    write_file(dir.file("b"), "\xEF\xBB\xBFonly");
    CHECK(all_lines(dir.file("b")) == std::vector<std::string>{"only"});
}
