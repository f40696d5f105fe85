// The error family and its exit codes, and where() prefixes.
#include <doctest/doctest.h>

#include "newsclf/base/error.hpp"

using namespace newsclf;

TEST_CASE("each kind of error maps to its documented exit code") {
    CHECK(static_cast<int>(DataError("x").exit_code()) == 1);
    CHECK(static_cast<int>(IoError("x").exit_code()) == 1);
    CHECK(static_cast<int>(UsageError("x").exit_code()) == 2);
    CHECK(static_cast<int>(FormatError("x").exit_code()) == 3);
    CHECK(std::string(FormatError("the message").what()) == "the message");
}

TEST_CASE("where() names a source, and its line when there is one") {
    CHECK(where("news.tsv", 12) == "news.tsv:12: ");
    CHECK(where("news.tsv") == "news.tsv: ");
}
