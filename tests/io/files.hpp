// Helpers of the io tests: files read back without the code under test, and shell commands (xz,
// gzip) that must succeed.
#pragma once

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace newsclf::test {

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void run(const std::string& command) { REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command); }

}  // namespace newsclf::test
