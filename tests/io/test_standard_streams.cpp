// Unit tests of standard_streams.hpp: which paths mean stdin/stdout and how messages name them.
#include "newsclf/io/standard_streams.hpp"

#include <doctest/doctest.h>

using namespace newsclf;

TEST_CASE("display_name and is_stdio treat \"-\" and \"\" as stdin") {
    CHECK(is_stdio("-"));
    CHECK(is_stdio(""));
    CHECK_FALSE(is_stdio("a.tsv"));
    CHECK_FALSE(is_stdio("--"));
    CHECK_FALSE(is_stdio("./-"));
    CHECK(display_name("-") == "<stdin>");
    CHECK(display_name("") == "<stdin>");
    CHECK(display_name("dir/a.tsv") == "dir/a.tsv");
}
