// Unit tests of printable.hpp: what may reach a terminal from untrusted bytes.
#include "newsclf/base/printable.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace newsclf;
using namespace std::string_literals;

TEST_CASE("printable keeps printable UTF-8 as it is") {
    const std::string text = "plain text, caf\xc3\xa9, \xe2\x82\xac" "1, \xf0\x9f\x93\x88 \"quoted\" back\\slash";
    CHECK(printable(text) == text);
    CHECK(printable("") == "");
}

TEST_CASE("printable escapes control characters, C0, DEL and C1, as \\xNN") {
    CHECK(printable("a\x1b[31mred\x1b[0m") == "a\\x1b[31mred\\x1b[0m");
    CHECK(printable("line\nbreak\rtab\t") == "line\\x0abreak\\x0dtab\\x09");
    CHECK(printable("nul\0byte"s) == "nul\\x00byte");
    CHECK(printable("del\x7f") == "del\\x7f");
    CHECK(printable("csi \xc2\x9b 31m, nbsp \xc2\xa0") == "csi \\xc2\\x9b 31m, nbsp \xc2\xa0");  // U+009B is a control, U+00A0 is not
}

TEST_CASE("printable escapes each byte that is not part of well-formed UTF-8") {
    CHECK(printable("caf\xe9") == "caf\\xe9");                      // Latin-1
    CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");                    // overlong
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");            // surrogate
    CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
    CHECK(printable("cut \xe2\x82") == "cut \\xe2\\x82");              // truncated at the end
    CHECK(printable("\xe2\x82x") == "\\xe2\\x82x");
}
