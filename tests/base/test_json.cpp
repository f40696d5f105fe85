// JSON text helpers: escaping and shortest round-trip numbers.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <simdjson.h>

#include "newsclf/base/json.hpp"

using namespace newsclf;

TEST_CASE("strings are quoted and escaped so that a JSON parser reads them back") {
    CHECK(json_string("plain") == "\"plain\"");
    CHECK(json_string("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    CHECK(json_string("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
    CHECK(json_string(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
    CHECK(json_string("Caf\xc3\xa9 \xe2\x84\xa2") == "\"Caf\xc3\xa9 \xe2\x84\xa2\"");  // UTF-8 passes through
    const std::string tricky = std::string("q\"b\\n\n\x02 \xc3\xa9", 10);
    simdjson::dom::parser parser;
    std::string_view back;
    REQUIRE_FALSE(parser.parse(json_string(tricky)).get_string().get(back));
    CHECK(back == tricky);
}

TEST_CASE("numbers are the shortest text that reads back as the same value") {
    CHECK(json_number(0.25) == "0.25");
    CHECK(json_number(1e-7) == "1e-07");
    CHECK(json_number(100) == "100");
    CHECK(json_number(0.1 + 0.2) == "0.30000000000000004");
    CHECK(json_number(std::nan("")) == "null");
    CHECK(json_number(1.0 / 0.0) == "null");
    CHECK(json_float(0.1f) == "0.1");
    CHECK(json_float(0.98123455f) == "0.98123455");
    for (float v : {0.3f, 1.17549435e-38f, 3.4028235e38f, 8.655096e-06f})
        CHECK(std::strtof(json_float(v).c_str(), nullptr) == v);
}
