// The wrapper every tool's main goes through: each kind of failure becomes its documented exit code.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "tool_main.hpp"

using namespace newsclf;

namespace {

// Runs tool_main with `args` and a body that does `run`.
int run_tool(std::vector<std::string> args, std::function<void()> run) {
    args.insert(args.begin(), "newsclf-test");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return tool_main(static_cast<int>(argv.size()), argv.data(), "newsclf-test", "a test tool",
                     [&](CLI::App&) { return run; });
}

}  // namespace

TEST_CASE("each failure maps to its exit status") {
    CHECK(run_tool({"-q"}, [] {}) == 0);
    CHECK(run_tool({"-q"}, [] { throw DataError("a bad row"); }) == 1);
    CHECK(run_tool({"-q"}, [] { throw IoError("cannot open x"); }) == 1);
    CHECK(run_tool({"-q"}, [] { throw UsageError("bad option"); }) == 2);
    CHECK(run_tool({"-q"}, [] { throw FormatError("corrupt"); }) == 3);
    CHECK(run_tool({"-q"}, [] { throw InternalError("an invariant"); }) == 4);
    CHECK(run_tool({"-q"}, [] { throw std::runtime_error("other"); }) == 1);
    CHECK(run_tool({"--no-such-option"}, [] {}) == 2);
    CHECK(run_tool({"--help"}, [] {}) == 0);
}
