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

namespace {
std::string parsed_back(const std::string& json) {
    simdjson::dom::parser parser;
    std::string_view back;
    if (parser.parse(json).get_string().get(back)) return "<not a JSON string: " + json + ">";
    return std::string(back);
}
}  // namespace

TEST_CASE("every control character is escaped, and reads back as itself") {
    for (int c = 0; c < 0x20; ++c) {
        const std::string s(1, static_cast<char>(c));
        const std::string j = json_string(s);
        CAPTURE(c);
        for (char ch : j) CHECK(static_cast<unsigned char>(ch) >= 0x20);
        CHECK(parsed_back(j) == s);
    }
    CHECK(json_string(std::string(1, '\0')) == "\"\\u0000\"");
    CHECK(json_string("\b\f") == "\"\\u0008\\u000c\"");  // the \u form, as newsclf has always written them
    CHECK(json_string("\x7f") == "\"\x7f\"");            // DEL is not a control character to JSON
}

TEST_CASE("quotes, backslashes and non-ASCII text") {
    CHECK(json_string("\"") == "\"\\\"\"");
    CHECK(json_string("\\") == "\"\\\\\"");
    CHECK(json_string("a/b") == "\"a/b\"");  // '/' needs no escape
    // U+2028 and U+2029 are valid in JSON and kept as they are; 2-, 3- and 4-byte UTF-8 too.
    const std::string text = "line\xe2\x80\xa8sep\xe2\x80\xa9 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb0";
    CHECK(json_string(text) == "\"" + text + "\"");
    CHECK(parsed_back(json_string(text)) == text);
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD, so the output is always valid JSON") {
    const std::string fffd = "\xef\xbf\xbd";
    CHECK(json_string("a\xff" "b") == "\"a" + fffd + "b\"");
    CHECK(json_string("\xe9t\xe9") == "\"" + fffd + "t" + fffd + "\"");  // Latin-1 "été"
    CHECK(json_string("\xc3") == "\"" + fffd + "\"");                     // cut short at the end
    CHECK(json_string("\xc0\xaf") == "\"" + fffd + fffd + "\"");          // overlong '/'
    CHECK(json_string("\xed\xa0\x80") == "\"" + fffd + fffd + fffd + "\"");  // a surrogate
    CHECK(json_string("\xf4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");  // above U+10FFFF
    for (const char* bad : {"\xff", "x\x80y", "\xe2\x82", "\xf0\x9f\x93"})
        CHECK(parsed_back(json_string(bad)).find(fffd) != std::string::npos);
}

TEST_CASE("the writer puts commas between members and elements, and nests") {
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("rows", std::size_t{12}).member("name", "a \"b\"").key("labels").begin_array();
    for (const char* l : {"b", "t"}) w.value(l);
    w.end_array().key("empty").begin_object().end_object().key("list").begin_array().begin_array().end_array();
    w.begin_object().member("x", -1).end_object().end_array();
    w.member("loss", 0.25).member("p", 0.1f).member("ok", true).key("none").null();
    w.raw_member("stored", "{\"k\":[1,2]}").end_object();
    CHECK(out == "{\"rows\":12,\"name\":\"a \\\"b\\\"\",\"labels\":[\"b\",\"t\"],\"empty\":{},"
                 "\"list\":[[],{\"x\":-1}],\"loss\":0.25,\"p\":0.1,\"ok\":true,\"none\":null,"
                 "\"stored\":{\"k\":[1,2]}}");
    simdjson::dom::parser parser;
    CHECK_FALSE(parser.parse(out).error());
}

TEST_CASE("the writer appends, and writes numbers as json_number and json_float do") {
    std::string out = "prefix ";
    JsonWriter w(out);
    w.begin_array().value(1e-7).value(std::nan("")).value(0.98123455f).value(std::uint32_t{7}).end_array();
    CHECK(out == "prefix [1e-07,null,0.98123455,7]");
}

TEST_CASE("the python style has json.dumps's separators") {
    std::string out;
    JsonWriter w(out, JsonWriter::Style::python);
    w.begin_object().member("result", "Business").key("p").begin_array().value(1).value(2).end_array().end_object();
    CHECK(out == "{\"result\": \"Business\", \"p\": [1, 2]}");
}
