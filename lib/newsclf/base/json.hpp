// newsclf's one JSON writer: JsonWriter assembles documents, and its string and number
// primitives are also there for quoting a name inside a message.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace newsclf {

// The length of the well-formed UTF-8 sequence at s[i] (whose first byte is >= 0x80; RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF), or 0. Shared with printable().
std::size_t utf8_sequence(std::string_view s, std::size_t i);

// Appends s as a quoted JSON string. '"', '\\', '\n', '\t' and '\r' get their short escapes,
// the other control characters (U+0000 to U+001F) \u00XX; everything else is written as it is,
// UTF-8 included (U+2028, U+2029 and DEL too: they are valid JSON, and the output is not meant
// to be pasted into JavaScript source). A byte that is not part of valid UTF-8 becomes U+FFFD,
// as the tokeniser decodes it, so that the output is always valid JSON (which is UTF-8).
void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);
// Shortest text that reads back as the same double ("0.25", "1e-07"); NaN and infinities as null.
std::string json_number(double v);
// Shortest text that reads back as the same float.
std::string json_float(float v);

// Writes a JSON document into a string, with the commas between members and elements.
//
//     JsonWriter w(out);
//     w.begin_object().member("rows", 12).key("labels").begin_array().value("b").end_array().end_object();
//
// gives {"rows":12,"labels":["b"]}. Integers are written in decimal, doubles by json_number,
// floats by json_float (so a float keeps its short form), strings by append_json_string, and
// raw() takes a value that is already JSON text (a stored document). Members come out in the
// order written; nothing checks that a key is not repeated or that the nesting is closed, since
// every document is made by newsclf's own code. Compact by default; `python` gives the
// separators of Python's json.dumps (", " and ": "), for answers that must match it byte for byte.
class JsonWriter {
public:
    enum class Style { compact, python };
    explicit JsonWriter(std::string& out, Style style = Style::compact) : out_(out), style_(style) {}

    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }
    // The name of the member whose value comes next.
    JsonWriter& key(std::string_view name) {
        separate();
        append_json_string(out_, name);
        if (style_ == Style::python) out_ += ": ";
        else out_.push_back(':');
        after_key_ = true;
        return *this;
    }

    JsonWriter& value(std::string_view s) {
        separate();
        append_json_string(out_, s);
        return *this;
    }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(double v);
    JsonWriter& value(float v);
    JsonWriter& value(bool v) { return raw(v ? "true" : "false"); }
    template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    JsonWriter& value(T v) {
        separate();
        out_ += std::to_string(v);
        return *this;
    }
    JsonWriter& null() { return raw("null"); }
    // A value that is already JSON text, written as it is.
    JsonWriter& raw(std::string_view json) {
        separate();
        out_ += json;
        return *this;
    }

    // key(name) then value(v).
    template <class T>
    JsonWriter& member(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }
    JsonWriter& raw_member(std::string_view name, std::string_view json) {
        key(name);
        return raw(json);
    }

private:
    JsonWriter& open(char bracket);
    JsonWriter& close(char bracket);
    // The comma before a value that is not the first of its container; nothing after a key.
    void separate() {
        if (after_key_) {
            after_key_ = false;
        } else if (has_items_ & 1) {
            if (style_ == Style::python) out_ += ", ";
            else out_.push_back(',');
        }
        has_items_ |= 1;
    }

    std::string& out_;
    Style style_;
    // Bit d: the container at depth d (0 the innermost) has an item already; a shift per level
    // keeps this allocation-free on the paths that write a prediction per line.
    std::uint64_t has_items_ = 0;
    int depth_ = 0;
    bool after_key_ = false;
};

}  // namespace newsclf
