// The report's HTML pieces and gnuplot strings: escaping, base64, numbers, the palette.
#include <doctest/doctest.h>

#include "newsclf/reporting/gnuplot.hpp"
#include "newsclf/reporting/html.hpp"

using namespace newsclf;

TEST_CASE("base64 encodes the vectors of RFC 4648") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foob") == "Zm9vYg==");
    CHECK(base64("fooba") == "Zm9vYmE=");
    CHECK(base64("foobar") == "Zm9vYmFy");
    CHECK(base64(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("html_escape leaves no markup") {
    CHECK(html_escape("a < b & \"c\" > 'd'") == "a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;");
    CHECK(html_escape("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("an SVG image is a data URL of the document, its alternative text escaped") {
    CHECK(svg_image("<svg/>", "a \"chart\"") == "<img src=\"data:image/svg+xml;base64,PHN2Zy8+\" alt=\"a &quot;chart&quot;\">");
}

TEST_CASE("numbers as the report prints them") {
    CHECK(fixed(0.95914, 4) == "0.9591");
    CHECK(percent(0.0245) == "2.45%");
    CHECK(byte_size(63.7e6) == "63.7 MB");
    CHECK(byte_size(4155) == "4.2 kB");
    CHECK(byte_size(12) == "12 B");
}

TEST_CASE("gnuplot strings keep their text") {
    CHECK(gnuplot_string("mlp (workshop)") == "'mlp (workshop)'");
    CHECK(gnuplot_string("it's") == "'it''s'");
    CHECK(gnuplot_field("a \"b\"\tc") == "\"a 'b' c\"");
}

TEST_CASE("the palette repeats after its ten colours") {
    CHECK(series_colour(0) == "#0173B2");
    CHECK(series_colour(10) == series_colour(0));
}
