// Unit tests of log.hpp: messages on stderr with the program's name, and never a raw control byte
// (printable.hpp's own cases are test_printable's).
#include "newsclf/base/log.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

using namespace newsclf;

namespace {

// What f writes on stderr.
template <class F>
std::string stderr_of(F f) {
    std::FILE* file = std::tmpfile();
    REQUIRE(file);
    std::fflush(stderr);
    const int saved = ::dup(2);
    ::dup2(fileno(file), 2);
    f();
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    std::rewind(file);
    std::string text;
    char buffer[256];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
    std::fclose(file);
    return text;
}

}  // namespace

TEST_CASE("log_info and log_verbose print one line, prefixed and printable") {
    const std::string name = program_name();
    const int level = verbosity();
    set_program_name("newsclf-test");
    set_verbosity(2);
    CHECK(stderr_of([] { log_info("file \x1b]0;title\x07.tsv: skipped"); }) ==
          "newsclf-test: file \\x1b]0;title\\x07.tsv: skipped\n");
    CHECK(stderr_of([] { log_verbose("two\nlines"); }) == "newsclf-test: two\\x0alines\n");
    set_verbosity(0);
    CHECK(stderr_of([] { log_info("quiet"); }).empty());
    set_verbosity(level);
    set_program_name(name);
}
