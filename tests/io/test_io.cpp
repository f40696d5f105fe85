// Unit tests of io.hpp: reading whole files (plain, xz, gzip), LineReader's line splitting and
// limits, OutputFile's write-then-rename behaviour and the removal of its temporary by a signal.
#include "newsclf/io/io.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    REQUIRE(out.good());
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void run(const std::string& command) { REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command); }

std::vector<std::string> all_lines(const std::string& path) {
    LineReader reader(path);
    std::vector<std::string> lines;
    std::string line;
    while (reader.next(line)) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("display_name and is_stdio treat \"-\" and \"\" as stdin") {
    CHECK(is_stdio("-"));
    CHECK(is_stdio(""));
    CHECK_FALSE(is_stdio("a.tsv"));
    CHECK(display_name("-") == "<stdin>");
    CHECK(display_name("") == "<stdin>");
    CHECK(display_name("dir/a.tsv") == "dir/a.tsv");
}

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

TEST_CASE("corrupt or truncated compressed data is a DataError naming the source") {
    TempDir dir;
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "a line of text " + std::to_string(i * 7919) + "\n";
    write_file(dir.file("t.txt"), text);
    write_file(dir.file("u.txt"), text);
    run("xz -q " + dir.file("t.txt"));
    run("gzip -q " + dir.file("u.txt"));
    const std::string xz = slurp(dir.file("t.txt.xz")), gz = slurp(dir.file("u.txt.gz"));
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
    // A corrupt file read through read_bytes names the file.
    std::string bad = xz;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x01);
    write_file(dir.file("bad.xz"), bad);
    CHECK_THROWS_AS(read_bytes(dir.file("bad.xz")), DataError);
    CHECK(message_of<std::exception>([&] { read_bytes(dir.file("bad.xz")); }).find(dir.file("bad.xz")) != std::string::npos);
}

TEST_CASE("decompress_if_compressed returns other bytes unchanged") {
    CHECK(decompress_if_compressed("", "s").empty());
    CHECK(decompress_if_compressed("\x1f", "s") == "\x1f");  // one byte of the gzip magic is not gzip
    CHECK(decompress_if_compressed("plain text\n", "s") == "plain text\n");
    CHECK(decompress_if_compressed(std::string("\xFD" "7zX", 4), "s") == std::string("\xFD" "7zX", 4));
}

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
}

TEST_CASE("OutputFile shows nothing at the path until commit()") {
    TempDir dir;
    const std::string path = dir.file("out.txt");
    const std::string temp = path + ".tmp." + std::to_string(::getpid());
    {
        OutputFile out(path);
        CHECK(out.name() == path);
        out.write("hello ");
        out.write("");
        out.write("world\n");
        out.flush();
        CHECK_FALSE(fs::exists(path));
        CHECK(fs::exists(temp));
        out.commit();
        CHECK(fs::exists(path));
        CHECK_FALSE(fs::exists(temp));
    }
    CHECK(slurp(path) == "hello world\n");
    CHECK(dir.entries() == std::vector<std::string>{"out.txt"});
}

TEST_CASE("OutputFile destroyed uncommitted leaves neither file nor temporary") {
    TempDir dir;
    {
        OutputFile out(dir.file("out.txt"));
        out.write(std::string(100000, 'z'));
        out.flush();
        CHECK(dir.entries().size() == 1);  // the temporary
    }
    CHECK(dir.entries().empty());

    SUBCASE("an exception between write and commit") {
        try {
            OutputFile out(dir.file("out.txt"));
            out.write("partial");
            throw DataError("bad row");
        } catch (const DataError&) {
        }
        CHECK(dir.entries().empty());
    }
}

TEST_CASE("OutputFile replaces an existing file only on commit") {
    TempDir dir;
    const std::string path = dir.file("model.newsclf");
    write_file(path, "old contents");
    {
        OutputFile out(path);
        out.write("new");
        CHECK(slurp(path) == "old contents");
        out.commit();
        CHECK(slurp(path) == "new");
    }
    {
        OutputFile out(path);
        out.write("abandoned");
    }
    CHECK(slurp(path) == "new");
    CHECK(dir.entries() == std::vector<std::string>{"model.newsclf"});
}

TEST_CASE("OutputFile writes a FIFO in place instead of replacing it") {
    TempDir dir;
    const std::string fifo = dir.file("pipe");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string received;
    std::thread reader([&] { received = slurp(fifo); });
    {
        OutputFile out(fifo);
        CHECK_FALSE(is_registered_temporary(fifo + ".tmp." + std::to_string(::getpid())));
        out.write("through the pipe\n");
        out.commit();
    }
    reader.join();
    CHECK(received == "through the pipe\n");
    struct stat st;
    REQUIRE(::stat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK(dir.entries() == std::vector<std::string>{"pipe"});
}

TEST_CASE("OutputFile registers its temporary until commit or destruction") {
    TempDir dir;
    const std::string path = dir.file("out.txt");
    const std::string temp = path + ".tmp." + std::to_string(::getpid());
    {
        OutputFile out(path);
        CHECK(is_registered_temporary(temp));
        CHECK_FALSE(is_registered_temporary(path));
        out.write("x");
        out.commit();
        CHECK_FALSE(is_registered_temporary(temp));
    }
    {
        OutputFile out(path);
        CHECK(is_registered_temporary(temp));
    }
    CHECK_FALSE(is_registered_temporary(temp));
    CHECK_THROWS_AS(OutputFile{dir.file("missing/out.txt")}, IoError);
    CHECK_FALSE(is_registered_temporary(dir.file("missing/out.txt") + ".tmp." + std::to_string(::getpid())));

    SUBCASE("more outputs at once than the registry holds: the others are not registered") {
        std::vector<std::unique_ptr<OutputFile>> outs;
        for (int i = 0; i < 70; ++i) outs.push_back(std::make_unique<OutputFile>(dir.file("f" + std::to_string(i))));
        int registered = 0;
        for (int i = 0; i < 70; ++i)
            registered += is_registered_temporary(dir.file("f" + std::to_string(i)) + ".tmp." + std::to_string(::getpid()));
        CHECK(registered == 64);
        outs.clear();
        OutputFile again(path);
        CHECK(is_registered_temporary(temp));  // the slots are free again
    }
}

TEST_CASE("SIGTERM removes the temporary of an uncommitted OutputFile and ends the process by the signal") {
    TempDir dir;
    const std::string path = dir.file("model.newsclf");
    for (int signal : {SIGTERM, SIGINT}) {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            remove_temporaries_on_signals();
            OutputFile kept(dir.file("kept"));
            kept.write("whole");
            kept.commit();
            OutputFile out(path);
            out.write(std::string(1 << 16, 'x'));
            out.flush();
            if (::write(ready[1], "r", 1) != 1) ::_exit(1);
            for (;;) ::pause();
        }
        ::close(ready[1]);
        char c = 0;
        REQUIRE(::read(ready[0], &c, 1) == 1);
        ::close(ready[0]);
        const std::string temp = path + ".tmp." + std::to_string(child);
        CHECK(fs::exists(temp));
        ::kill(child, signal);
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == signal);
        CHECK_FALSE(fs::exists(temp));
        CHECK_FALSE(fs::exists(path));
        CHECK(slurp(dir.file("kept")) == "whole");
    }
}

TEST_CASE("OutputFile in a missing directory is an IoError naming the path") {
    TempDir dir;
    std::string path = dir.file("no/such/dir/out.txt");
    CHECK_THROWS_AS(OutputFile{path}, IoError);
    CHECK(message_of<std::exception>([&] { OutputFile out(path); }).find(path) == 0);
}

TEST_CASE("write_bytes writes a whole file") {
    TempDir dir;
    std::string bytes("a\0b\n", 4);
    write_bytes(dir.file("w"), bytes);
    CHECK(slurp(dir.file("w")) == bytes);
    CHECK(read_bytes(dir.file("w")) == bytes);
    CHECK(dir.entries() == std::vector<std::string>{"w"});
}
