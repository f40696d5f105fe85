// Unit tests of normalizer.hpp: normalize_text, each of the workshop's regular expressions on small
// strings, Unicode whitespace, Python's lower case, and the settings that switch steps off.
#include "newsclf/text/normalizer.hpp"

#include <doctest/doctest.h>

#include <string>

using newsclf::normalize_text;
using newsclf::NormalizerSettings;

TEST_CASE("normalize_text: each regular expression on small strings") {
    SUBCASE("\\s\\W: a space and the non-word character after it become one space") {
        CHECK(normalize_text("x -y") == "x y");
        CHECK(normalize_text("x --y") == "x -y");    // one pass: only the first dash goes
        CHECK(normalize_text("x ---y") == "x --y");
        CHECK(normalize_text("a  b") == "a b");      // a space is itself \W
        CHECK(normalize_text("a _b") == "a _b");     // _ is a word character
        CHECK(normalize_text("(a) [b]") == "(a b]");  // nothing precedes the first bracket
    }
    SUBCASE("\\W\\s: a non-word character and the space after it become one space") {
        CHECK(normalize_text("x- y") == "x y");
        CHECK(normalize_text("x-- y") == "x- y");
        CHECK(normalize_text("a_ b") == "a_ b");
        CHECK(normalize_text("'a' 'b'") == "'a b'");  // the quotes at both ends stay
        CHECK(normalize_text("Wait\u2026") == "wait\u2026");
    }
    SUBCASE("both, then \\s+: runs of whitespace become one space, ends are kept") {
        CHECK(normalize_text("x - y") == "x y");
        CHECK(normalize_text("x -- y") == "x y");
        CHECK(normalize_text("a   b") == "a b");
        CHECK(normalize_text("a\t\tb") == "a b");
        CHECK(normalize_text(" a ") == " a ");
        CHECK(normalize_text("x \u2014 y") == "x y");
        CHECK(normalize_text("x\u2014y") == "x\u2014y");
        CHECK(normalize_text("1.5% -2") == "1.5 2");
    }
    SUBCASE("Unicode whitespace, as Python's \\s") {
        CHECK(normalize_text("A\u00A0-b") == "a b");  // no-break space
        CHECK(normalize_text("a\u3000b") == "a b");   // ideographic space
        CHECK(normalize_text("a\u0085b") == "a b");   // next line
        CHECK(normalize_text("a\x1C" "b") == "a b");  // file separator
        CHECK(normalize_text("a\u200B b") == "a b");  // zero width space: \W, not \s
        CHECK(normalize_text("a \u200Bb") == "a b");
    }
    SUBCASE("lower case as Python's str.lower") {
        CHECK(normalize_text("\u00C0\u00C9\u00CE\u00D5\u00DC\u00DE \u00DF \u0178") == "\u00E0\u00E9\u00EE\u00F5\u00FC\u00FE \u00DF \u00FF");
        CHECK(normalize_text("\u0130") == "i\u0307");  // the one character that lowers to two
        CHECK(normalize_text("\u0218\u021A \u01CD \u1EDE \u023B") == "\u0219\u021B \u01CE \u1EDF \u023C");
        CHECK(normalize_text("\u0386\u0388\u038C\u038F \u0391\u03A9") == "\u03AC\u03AD\u03CC\u03CE \u03B1\u03C9");
        CHECK(normalize_text("\u0401\u0410\u042F\u0490") == "\u0451\u0430\u044F\u0491");
        CHECK(normalize_text("\u212Aelvin\u2122 x") == "kelvin x");
    }
    SUBCASE("settings switch the steps off") {
        NormalizerSettings keep_case;
        keep_case.lower = false;
        CHECK(normalize_text("U.S. Stocks - Up", keep_case) == "U.S Stocks Up");
        NormalizerSettings lower_only;
        lower_only.workshop_rules = false;
        CHECK(normalize_text("U.S. Stocks - Up", lower_only) == "u.s. stocks - up");
    }
}
