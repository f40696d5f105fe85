// Unit tests of decompression.hpp: xz and gzip recognised by their magic and decoded, corrupt or
// truncated data refused with the source's name, other bytes passed through.
#include "newsclf/io/decompression.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "io/files.hpp"
#include "newsclf/base/error.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("xz and gzip data are decompressed; corrupt or truncated data is a DataError naming the source") {
    TempDir dir;
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "a line of text " + std::to_string(i * 7919) + "\n";
    write_file(dir.file("t.txt"), text);
    write_file(dir.file("u.txt"), text);
    run("xz -q " + dir.file("t.txt"));
    run("gzip -q " + dir.file("u.txt"));
    const std::string xz = slurp(dir.file("t.txt.xz")), gz = slurp(dir.file("u.txt.gz"));
    CHECK(is_compressed(xz));
    CHECK(is_compressed(gz));
    REQUIRE(decompress_if_compressed(xz, "t.xz") == text);
    REQUIRE(decompress_if_compressed(gz, "u.gz") == text);

    for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"t.xz", xz}, {"u.gz", gz}}) {
        CAPTURE(name);
        std::string truncated = bytes.substr(0, bytes.size() / 2);
        CHECK_THROWS_AS(decompress_if_compressed(truncated, name), DataError);
        CHECK(message_of<std::exception>([&] { decompress_if_compressed(truncated, name); }).find(name + ":") == 0);

        std::string flipped = bytes;
        flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
        CHECK_THROWS_AS(decompress_if_compressed(flipped, name), DataError);

        std::string only_magic = bytes.substr(0, 6);
        CHECK_THROWS_AS(decompress_if_compressed(only_magic, name), DataError);
    }
}

TEST_CASE("decompression grows its output far beyond four times the input, and reads concatenated gzip members") {
    TempDir dir;
    const std::string text(3'000'000, 'a');
    write_file(dir.file("x"), text);
    write_file(dir.file("g"), text);
    run("xz -q " + dir.file("x"));
    run("gzip -q " + dir.file("g"));
    const std::string xz = slurp(dir.file("x.xz")), gz = slurp(dir.file("g.gz"));
    REQUIRE(xz.size() * 4 < text.size());
    REQUIRE(gz.size() * 4 < text.size());
    CHECK(decompress_if_compressed(xz, "x.xz") == text);
    CHECK(decompress_if_compressed(gz, "g.gz") == text);

    write_file(dir.file("a"), "first\n");
    write_file(dir.file("b"), "second\n");
    run("gzip -q " + dir.file("a") + " " + dir.file("b"));
    CHECK(decompress_if_compressed(slurp(dir.file("a.gz")) + slurp(dir.file("b.gz")), "ab.gz") == "first\nsecond\n");
}

TEST_CASE("decompress_if_compressed returns other bytes unchanged") {
    CHECK(decompress_if_compressed("", "s").empty());
    CHECK(decompress_if_compressed("\x1f", "s") == "\x1f");  // one byte of the gzip magic is not gzip
    CHECK(decompress_if_compressed("plain text\n", "s") == "plain text\n");
    CHECK(decompress_if_compressed(std::string("\xFD" "7zX", 4), "s") == std::string("\xFD" "7zX", 4));
    CHECK_FALSE(is_compressed(""));
    CHECK_FALSE(is_compressed("\x1f"));
    CHECK_FALSE(is_compressed(std::string("\xFD" "7zXZ", 5)));  // the xz magic is six bytes
    CHECK_FALSE(is_compressed("plain text\n"));
}
