// The error family and its exit codes, and where() prefixes.
#include <doctest/doctest.h>

#include "newsclf/base/error.hpp"

using namespace newsclf;

TEST_CASE("each kind of error maps to its documented exit code") {
    CHECK(static_cast<int>(DataError("x").exit_code()) == 1);
    CHECK(static_cast<int>(IoError("x").exit_code()) == 1);
    CHECK(static_cast<int>(UsageError("x").exit_code()) == 2);
    CHECK(static_cast<int>(FormatError("x").exit_code()) == 3);
    CHECK(static_cast<int>(InternalError("x").exit_code()) == 4);
    CHECK(InternalError("x").kind() == ErrorKind::internal);
    CHECK(std::string(FormatError("the message").what()) == "the message");
}

TEST_CASE("where() names a source, and its line when there is one") {
    CHECK(where("news.tsv", 12) == "news.tsv:12: ");
    CHECK(where("news.tsv") == "news.tsv: ");
}

TEST_CASE("an internal error says it is a bug to report, apart from bad usage") {
    const InternalError e("the parameter buffer does not match the network");
    CHECK(std::string(e.what()).find("a bug in newsclf; please report it") != std::string::npos);
    CHECK(std::string(e.what()).find("the parameter buffer does not match the network") != std::string::npos);
    CHECK(e.exit_code() != UsageError("x").exit_code());
}
