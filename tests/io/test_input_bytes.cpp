// Unit tests of input_bytes.hpp: whole files read (mapped, plain, xz, gzip), stdin, missing and
// corrupt files, and InputBytes's ownership of its mapping.
#include "newsclf/io/input_bytes.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <utility>

#include "io/files.hpp"
#include "newsclf/base/error.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("read_bytes reads plain, xz and gzip files alike") {
    TempDir dir;
    std::string text;
    for (int i = 0; i < 20000; ++i) text += "headline number " + std::to_string(i) + "\twith a tab\n";
    text += std::string("\0binary\xff\x00tail", 13);
    write_file(dir.file("plain.txt"), text);
    write_file(dir.file("x.txt"), text);
    write_file(dir.file("g.txt"), text);
    run("xz -q " + dir.file("x.txt"));
    run("gzip -q " + dir.file("g.txt"));

    CHECK(read_bytes(dir.file("plain.txt")) == text);
    // Both compress far better than 4:1, so the decoders' output buffers have to grow.
    REQUIRE(fs::file_size(dir.file("x.txt.xz")) * 4 < text.size());
    CHECK(read_bytes(dir.file("x.txt.xz")) == text);
    CHECK(read_bytes(dir.file("g.txt.gz")) == text);

    SUBCASE("an empty file and an empty compressed file") {
        write_file(dir.file("empty"), "");
        write_file(dir.file("empty2"), "");
        CHECK(read_bytes(dir.file("empty")).empty());
        run("xz -q " + dir.file("empty"));
        run("gzip -q " + dir.file("empty2"));
        CHECK(read_bytes(dir.file("empty.xz")).empty());
        CHECK(read_bytes(dir.file("empty2.gz")).empty());
    }
    SUBCASE("concatenated gzip members are read as one, as gzip -dc reads them") {
        write_file(dir.file("a"), "first\n");
        write_file(dir.file("b"), "second\n");
        run("gzip -q " + dir.file("a") + " " + dir.file("b"));
        write_file(dir.file("ab.gz"), slurp(dir.file("a.gz")) + slurp(dir.file("b.gz")));
        CHECK(read_bytes(dir.file("ab.gz")) == "first\nsecond\n");
    }
}

TEST_CASE("read_bytes of a missing file is an IoError naming it") {
    TempDir dir;
    std::string path = dir.file("missing.tsv");
    CHECK_THROWS_AS(read_bytes(path), IoError);
    CHECK(message_of<std::exception>([&] { read_bytes(path); }).find(path) != std::string::npos);
}

TEST_CASE("read_bytes of a corrupt compressed file is a DataError naming the file") {
    TempDir dir;
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "a line of text " + std::to_string(i * 7919) + "\n";
    write_file(dir.file("t.txt"), text);
    run("xz -q " + dir.file("t.txt"));
    std::string bad = slurp(dir.file("t.txt.xz"));
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x01);
    write_file(dir.file("bad.xz"), bad);
    CHECK_THROWS_AS(read_bytes(dir.file("bad.xz")), DataError);
    CHECK(message_of<std::exception>([&] { read_bytes(dir.file("bad.xz")); }).find(dir.file("bad.xz")) != std::string::npos);
}

TEST_CASE("read_bytes of \"-\" reads stdin whole, decompressing it") {
    TempDir dir;
    write_file(dir.file("s"), "from stdin\n");
    run("gzip -q " + dir.file("s"));
    for (const std::string& name : {std::string("s.gz"), std::string("plain")}) {
        if (name == "plain") write_file(dir.file("plain"), "from stdin\n");
        const int saved = ::dup(0);
        REQUIRE(saved >= 0);
        const int fd = ::open(dir.file(name).c_str(), O_RDONLY);
        REQUIRE(fd >= 0);
        REQUIRE(::dup2(fd, 0) == 0);
        ::close(fd);
        std::string got = read_bytes("-").str();
        REQUIRE(::dup2(saved, 0) == 0);
        ::close(saved);
        CHECK(got == "from stdin\n");
    }
}

TEST_CASE("read_all reads a pipe to its end") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string text(200000, 'p');  // more than a pipe holds: the writer blocks until read
    std::thread writer([&] {
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
    });
    const std::string got = read_all(fds[0], "pipe");
    writer.join();
    ::close(fds[0]);
    CHECK(got == text);
    CHECK_THROWS_AS(read_all(-1, "nothing"), IoError);
}

TEST_CASE("InputBytes moves its mapping and its string") {
    TempDir dir;
    write_file(dir.file("m"), "mapped bytes");
    InputBytes mapped = read_bytes(dir.file("m"));
    InputBytes moved(std::move(mapped));
    CHECK(moved == "mapped bytes");
    CHECK(moved.size() == 12);
    InputBytes assigned(std::string("owned"));
    CHECK(assigned.view() == "owned");
    assigned = std::move(moved);  // unmaps nothing it does not own, keeps the mapping alive
    CHECK(assigned.str() == "mapped bytes");
    CHECK(std::string_view(assigned) == "mapped bytes");
    InputBytes empty;
    CHECK(empty.empty());
    CHECK(empty == "");
}
