// Unit tests of output_file.hpp: write-then-rename, nothing left behind by an uncommitted file, an
// existing file replaced only on commit, devices and pipes written in place.
#include "newsclf/io/output_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "io/files.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/temporaries.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {
std::vector<std::string> sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    return names;
}
}  // namespace

TEST_CASE("OutputFile shows nothing at the path until commit()") {
    TempDir dir;
    const std::string path = dir.file("out.txt");
    const std::string temp = temporary_path(path, ::getpid());
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
        CHECK_FALSE(is_registered_temporary(temporary_path(fifo, ::getpid())));
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

TEST_CASE("OutputFile writes through a symbolic link: the target is replaced, the link kept") {
    TempDir dir;
    fs::create_directory(dir.file("real"));
    const std::string target = dir.file("real/model.newsclf");
    write_file(target, "old");
    fs::create_symlink("real/model.newsclf", dir.file("link"));          // relative to the link's directory
    fs::create_symlink(dir.file("link"), dir.file("link-to-link"));      // absolute, and a chain
    {
        OutputFile out(dir.file("link-to-link"));
        CHECK(out.name() == dir.file("link-to-link"));
        out.write("new");
        CHECK(fs::exists(temporary_path(target, ::getpid())));  // beside the target, not the link
        CHECK(slurp(target) == "old");
        out.commit();
    }
    CHECK(fs::is_symlink(dir.file("link")));
    CHECK(fs::is_symlink(dir.file("link-to-link")));
    CHECK(slurp(target) == "new");
    CHECK(slurp(dir.file("link-to-link")) == "new");
    CHECK(sorted(dir.entries()) == std::vector<std::string>{"link", "link-to-link", "real"});

    SUBCASE("a link to a file that does not exist yet creates it") {
        fs::create_symlink("real/fresh.txt", dir.file("dangling"));
        write_bytes(dir.file("dangling"), "fresh");
        CHECK(fs::is_symlink(dir.file("dangling")));
        CHECK(slurp(dir.file("real/fresh.txt")) == "fresh");
    }
    SUBCASE("a loop of links is an IoError") {
        fs::create_symlink("b", dir.file("a"));
        fs::create_symlink("a", dir.file("b"));
        CHECK_THROWS_AS(OutputFile{dir.file("a")}, IoError);
    }
}

TEST_CASE("refuse_output_over_inputs: an output that is an input, under any name, is a UsageError naming both") {
    TempDir dir;
    const std::string input = dir.file("in.tsv");
    write_file(input, "headlines");
    fs::create_symlink("in.tsv", dir.file("link.tsv"));
    REQUIRE(::link(input.c_str(), dir.file("hard.tsv").c_str()) == 0);
    for (const std::string& output : {input, dir.file("link.tsv"), dir.file("hard.tsv"), dir.file("./in.tsv")}) {
        const std::string m = message_of<UsageError>([&] { refuse_output_over_inputs(output, {dir.file("x"), input}); });
        CHECK(contains(m, output));
        CHECK(contains(m, input));
    }
    refuse_output_over_inputs(dir.file("new.json"), {input});  // not there yet
    refuse_output_over_inputs("-", {input, "-"});
    refuse_output_over_inputs("/dev/null", {"/dev/null"});  // not a regular file: nothing to lose
    write_file(dir.file("other"), "headlines");
    refuse_output_over_inputs(dir.file("other"), {input, ""});
    CHECK(slurp(input) == "headlines");
}
