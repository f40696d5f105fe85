// Unit tests of temporaries.hpp: the registry of the uncommitted OutputFiles' temporaries, its
// fixed size, and their removal by SIGTERM and SIGINT.
#include "newsclf/io/temporaries.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/files.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/io/output_file.hpp"
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

TEST_CASE("OutputFile registers its temporary until commit or destruction") {
    TempDir dir;
    const std::string path = dir.file("out.txt");
    const std::string temp = temporary_path(path, ::getpid());
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
    CHECK_FALSE(is_registered_temporary(temporary_path(dir.file("missing/out.txt"), ::getpid())));

    SUBCASE("more outputs at once than the registry holds: the others are not registered") {
        std::vector<std::unique_ptr<OutputFile>> outs;
        for (int i = 0; i < 70; ++i) outs.push_back(std::make_unique<OutputFile>(dir.file("f" + std::to_string(i))));
        int registered = 0;
        for (int i = 0; i < 70; ++i)
            registered += is_registered_temporary(temporary_path(dir.file("f" + std::to_string(i)), ::getpid()));
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
        const std::string temp = temporary_path(path, child);
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

TEST_CASE("register_temporary and unregister_temporary, without an OutputFile") {
    const std::string path = "/nonexistent/newsclf-registry-test";
    const int slot = register_temporary(path);
    REQUIRE(slot >= 0);
    CHECK(is_registered_temporary(path));
    CHECK_FALSE(is_registered_temporary(path + "x"));
    unregister_temporary(slot);
    CHECK_FALSE(is_registered_temporary(path));
    unregister_temporary(-1);  // a path that was never registered
    CHECK(register_temporary(std::string(5000, 'p')) == -1);  // too long for the signal-safe table
    CHECK_FALSE(is_registered_temporary(std::string(5000, 'p')));
}

TEST_CASE("temporary_path: hidden, beside its target, named after it and the writer") {
    CHECK(temporary_path("out/model.newsclf", 42) == "out/.model.newsclf.newsclf-tmp.42");
    CHECK(temporary_path("model.newsclf", 7) == ".model.newsclf.newsclf-tmp.7");
    CHECK(temporary_path("/m", 7) == "/.m.newsclf-tmp.7");
    const std::string temp = temporary_path("d/" + std::string(255, 'n'), 4194304);
    CHECK(temp.size() - 2 < 255);  // a file name within NAME_MAX, whatever the target's
}

TEST_CASE("remove_stale_temporaries removes the temporaries of writers that no longer run, and only theirs") {
    TempDir dir;
    const std::string path = dir.file("model.newsclf");
    const pid_t dead = ::fork();  // a pid that surely runs no writer: a child that has been reaped
    REQUIRE(dead >= 0);
    if (dead == 0) ::_exit(0);
    REQUIRE(::waitpid(dead, nullptr, 0) == dead);
    write_file(path, "old");
    write_file(temporary_path(path, dead), "half a model");
    write_file(temporary_path(path, ::getpid()), "this process's own");
    write_file(temporary_path(path, ::getppid()), "a running writer's");
    write_file(temporary_path(dir.file("other"), dead), "another target's");
    write_file(dir.file(".model.newsclf.newsclf-tmp.12x"), "not a temporary");
    CHECK(remove_stale_temporaries(path) == 1);
    CHECK_FALSE(fs::exists(temporary_path(path, dead)));
    CHECK(sorted(dir.entries()) == sorted({".model.newsclf.newsclf-tmp." + std::to_string(::getpid()),
                                           ".model.newsclf.newsclf-tmp." + std::to_string(::getppid()),
                                           ".model.newsclf.newsclf-tmp.12x", ".other.newsclf-tmp." + std::to_string(dead),
                                           "model.newsclf"}));
    CHECK(remove_stale_temporaries(dir.file("missing/x")) == 0);
}

TEST_CASE("a writer killed by SIGKILL leaves the old file whole, and the next writer removes its temporary") {
    TempDir dir;
    const std::string path = dir.file("model.newsclf");
    write_file(path, "the old model");
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
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
    ::kill(child, SIGKILL);
    REQUIRE(::waitpid(child, nullptr, 0) == child);
    const std::string left = temporary_path(path, child);
    CHECK(fs::exists(left));
    CHECK(slurp(path) == "the old model");
    write_bytes(path, "the new model");
    CHECK_FALSE(fs::exists(left));
    CHECK(slurp(path) == "the new model");
    CHECK(dir.entries() == std::vector<std::string>{"model.newsclf"});
}
