// Unit tests of records.hpp: the data set's TSV, JSON Lines and plain lines, format detection,
// and the DataError messages that name the source, the line and the field.
#include "newsclf/text/records.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/io/line_reader.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

std::string tsv(const std::string& id, const std::string& title, const std::string& category,
                const std::string& story = "dStory", const std::string& publisher = "Reuters") {
    return id + "\t" + title + "\thttp://example.com/" + id + "\t" + publisher + "\t" + category + "\t" + story +
           "\texample.com\t1394470921011";
}

std::vector<NewsRecord> read_all(std::string_view bytes, const RecordReadOptions& options = {},
                                 RecordReadStats* stats = nullptr) {
    std::vector<NewsRecord> out;
    RecordReadStats s = read_records(bytes, "news.tsv", options, [&](NewsRecord&& r) { out.push_back(std::move(r)); });
    if (stats) *stats = s;
    return out;
}

struct QuietLog {
    int saved = verbosity();
    QuietLog() { set_verbosity(0); }
    ~QuietLog() { set_verbosity(saved); }
};

}  // namespace

TEST_CASE("a TSV row of the data set's 8 fields") {
    RecordReadOptions options;
    NewsRecord r = parse_record_line(tsv("51", "Carl Icahn Rift Hurts eBay (EBAY)", "b", "dxyGG", "TheStreet.com"),
                                     RecordFormat::tsv, "news.tsv", 7, options);
    CHECK(r.id == "51");
    CHECK(r.title == "Carl Icahn Rift Hurts eBay (EBAY)");
    CHECK(r.label == label_index("b"));
    CHECK(r.label == 0);
    CHECK(r.story == "dxyGG");
    CHECK(r.publisher == "TheStreet.com");
    CHECK(r.line == 7);

    CHECK(parse_record_line(tsv("1", "x", "t"), RecordFormat::tsv, "s", 1, options).label == 1);
    CHECK(parse_record_line(tsv("1", "x", "e"), RecordFormat::tsv, "s", 1, options).label == 2);
    CHECK(parse_record_line(tsv("1", "x", "m"), RecordFormat::tsv, "s", 1, options).label == 3);
}

TEST_CASE("a TSV title that begins with a double quote is kept as it is (no CSV quoting)") {
    RecordReadOptions options;
    for (std::string title : {std::string("\"Frozen\" sing-along tops the box office"), std::string("\"unbalanced quote"),
                              std::string("\"\"doubled\"\" \"")}) {
        CAPTURE(title);
        NewsRecord r = parse_record_line(tsv("9", title, "e"), RecordFormat::tsv, "s", 1, options);
        CHECK(r.title == title);
        CHECK(r.label == 2);
    }
    // Through read_records and auto-detection as well.
    auto records = read_all(tsv("1", "\"Quoted\" start", "b") + "\n" + tsv("2", "plain", "t") + "\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].title == "\"Quoted\" start");
    CHECK(records[1].title == "plain");
}

TEST_CASE("a TSV row without a category has no label unless one is required") {
    RecordReadOptions options;
    NewsRecord r = parse_record_line(tsv("3", "A headline", ""), RecordFormat::tsv, "s", 1, options);
    CHECK(r.label == no_label);
    options.require_label = true;
    std::string m = message_of<DataError>([&] { parse_record_line(tsv("3", "A headline", ""), RecordFormat::tsv, "in.tsv", 4, options); });
    CHECK(m.rfind("in.tsv:4: ", 0) == 0);
    CHECK(contains(m, "field 5 (CATEGORY)"));
}

TEST_CASE("bad TSV rows name the source, the line and the field") {
    RecordReadOptions options;
    SUBCASE("too few fields") {
        std::string m = message_of<DataError>([&] { parse_record_line("1\ttitle\turl", RecordFormat::tsv, "news.tsv", 12, options); });
        CHECK(m.rfind("news.tsv:12: ", 0) == 0);
        CHECK(contains(m, "found 3 TAB-separated fields, expected 8"));
    }
    SUBCASE("too many fields") {
        std::string m = message_of<DataError>([&] { parse_record_line(tsv("1", "t", "b") + "\textra", RecordFormat::tsv, "news.tsv", 2, options); });
        CHECK(m.rfind("news.tsv:2: ", 0) == 0);
        CHECK(contains(m, "found 9"));
    }
    SUBCASE("an empty title") {
        std::string m = message_of<DataError>([&] { parse_record_line(tsv("1", "", "b"), RecordFormat::tsv, "news.tsv", 3, options); });
        CHECK(m.rfind("news.tsv:3: ", 0) == 0);
        CHECK(contains(m, "field 2 (TITLE) is empty"));
        options.allow_empty_title = true;
        CHECK(parse_record_line(tsv("1", "", "b"), RecordFormat::tsv, "s", 1, options).title.empty());
    }
    SUBCASE("a blank title") {
        std::string m = message_of<DataError>([&] { parse_record_line(tsv("1", "   ", "b"), RecordFormat::tsv, "news.tsv", 5, options); });
        CHECK(m.rfind("news.tsv:5: ", 0) == 0);
        CHECK(contains(m, "TITLE"));
    }
    SUBCASE("an unknown label") {
        std::string m = message_of<DataError>([&] { parse_record_line(tsv("1", "t", "business"), RecordFormat::tsv, "news.tsv", 6, options); });
        CHECK(m.rfind("news.tsv:6: ", 0) == 0);
        CHECK(contains(m, "field 5 (CATEGORY) is \"business\""));
        CHECK_THROWS_AS(parse_record_line(tsv("1", "t", "B"), RecordFormat::tsv, "s", 1, options), DataError);
    }
    SUBCASE("invalid UTF-8") {
        std::string m = message_of<DataError>([&] { parse_record_line(tsv("1", "caf\xe9 au lait", "e"), RecordFormat::tsv, "news.tsv", 8, options); });
        CHECK(m.rfind("news.tsv:8: ", 0) == 0);
        CHECK(contains(m, "invalid UTF-8 at byte 6"));
    }
    SUBCASE("a CRLF line end") {
        std::string m = message_of<DataError>([&] { parse_record_line(tsv("1", "t", "b") + "\r", RecordFormat::tsv, "news.tsv", 9, options); });
        CHECK(m.rfind("news.tsv:9: ", 0) == 0);
        CHECK(contains(m, "CR"));
        CHECK(contains(m, "dos2unix"));
    }
}

TEST_CASE("a 10 MB line is refused with its line number") {
    RecordReadOptions options;
    std::string huge = tsv("2", std::string(10u << 20, 'w'), "b");
    std::string bytes = tsv("1", "fine", "b") + "\n" + huge + "\n" + tsv("3", "fine", "b") + "\n";
    std::string m = message_of<DataError>([&] { read_all(bytes, options); });
    CHECK(m.rfind("news.tsv:2: ", 0) == 0);
    CHECK(contains(m, "over the limit"));
    // The limit is the line reader's: a line of exactly that size passes the length check.
    std::string at_limit(LineReader::max_line_bytes, 'w');
    CHECK(parse_record_line(at_limit, RecordFormat::lines, "s", 1, options).title.size() == at_limit.size());
    CHECK_THROWS_AS(parse_record_line(at_limit + "w", RecordFormat::lines, "s", 1, options), DataError);
}

TEST_CASE("an empty input, and one without valid records, are errors naming the source") {
    RecordReadOptions options;
    std::string m = message_of<DataError>([&] { read_all("", options); });
    CHECK(m.rfind("news.tsv: ", 0) == 0);
    CHECK(contains(m, "the input is empty"));

    QuietLog quiet;
    options.skip_bad = true;
    m = message_of<DataError>([&] { read_all("   \n\n", options); });
    CHECK(m.rfind("news.tsv: ", 0) == 0);
    CHECK(contains(m, "no valid records"));
    // Every row skipped: the failure still counts them (the count line on stderr is not seen
    // under -q).
    CHECK(contains(m, "all 2 row(s) were bad and skipped"));
}

TEST_CASE("JSON Lines: title or input, category or label, id as string or number, story") {
    RecordReadOptions options;
    auto parse = [&](const std::string& line) { return parse_record_line(line, RecordFormat::jsonl, "in.jsonl", 2, options); };

    NewsRecord r = parse(R"({"id": "a1", "title": "Fed holds rates", "category": "b", "story": "s9", "publisher": "AP"})");
    CHECK(r.id == "a1");
    CHECK(r.title == "Fed holds rates");
    CHECK(r.label == 0);
    CHECK(r.story == "s9");
    CHECK(r.publisher == "AP");
    CHECK(r.line == 2);

    r = parse(R"({"input": "Apple unveils a watch", "label": "t", "id": 12345})");
    CHECK(r.title == "Apple unveils a watch");
    CHECK(r.label == 1);
    CHECK(r.id == "12345");

    r = parse(R"({"title": "No label here"})");
    CHECK(r.label == no_label);
    CHECK(r.id.empty());
    CHECK(r.story.empty());

    r = parse(R"({"title": "\"Quoted\" and \u00e9scaped \t tab", "id": 18446744073709551615, "extra": [1, 2]})");
    CHECK(r.title == "\"Quoted\" and \xc3\xa9scaped \t tab");
    CHECK(r.id == "18446744073709551615");

    r = parse(R"(  {"title": "leading spaces", "category": "m"}  )");
    CHECK(r.label == 3);
}

TEST_CASE("bad JSON Lines name the source, the line and the field") {
    RecordReadOptions options;
    auto message = [&](const std::string& line) {
        return message_of<DataError>([&] { parse_record_line(line, RecordFormat::jsonl, "in.jsonl", 5, options); });
    };
    std::string m = message(R"({"title": "unterminated)");
    CHECK(m.rfind("in.jsonl:5: ", 0) == 0);
    CHECK(contains(m, "not a JSON object"));

    m = message(R"({"title": "a"} trailing)");
    CHECK(m.rfind("in.jsonl:5: ", 0) == 0);

    m = message(R"(["title", "a"])");
    CHECK(m.rfind("in.jsonl:5: ", 0) == 0);
    CHECK(contains(m, "expected a JSON object"));

    m = message(R"({"headline": "a"})");
    CHECK(contains(m, "no \"title\" (or \"input\") field"));

    m = message(R"({"title": 42})");
    CHECK(contains(m, "field \"title\" must be a string"));

    m = message(R"({"input": ""})");
    CHECK(m.rfind("in.jsonl:5: ", 0) == 0);
    CHECK(contains(m, "field \"input\" is empty"));

    m = message(R"({"title": "a", "category": "x"})");
    CHECK(contains(m, "field \"category\" is \"x\""));

    m = message(R"({"title": "a", "label": 2})");
    CHECK(contains(m, "field \"label\" must be a string"));

    m = message("{\"title\": \"caf\xe9\"}");
    CHECK(contains(m, "invalid UTF-8"));

    options.require_label = true;
    m = message(R"({"title": "a"})");
    CHECK(m.rfind("in.jsonl:5: ", 0) == 0);
    CHECK(contains(m, "no \"category\" field"));
}

TEST_CASE("plain lines: the whole line is the title") {
    RecordReadOptions options;
    NewsRecord r = parse_record_line("  Kim and Kanye wed \"in Paris\"  ", RecordFormat::lines, "s", 3, options);
    CHECK(r.title == "  Kim and Kanye wed \"in Paris\"  ");
    CHECK(r.label == no_label);
    CHECK(r.id.empty());
    CHECK(r.line == 3);

    std::string m = message_of<DataError>([&] { parse_record_line("   ", RecordFormat::lines, "s", 3, options); });
    CHECK(m.rfind("s:3: ", 0) == 0);
    CHECK(contains(m, "the headline is empty"));

    options.require_label = true;
    m = message_of<DataError>([&] { parse_record_line("A headline", RecordFormat::lines, "s", 4, options); });
    CHECK(m.rfind("s:4: ", 0) == 0);
    CHECK(contains(m, "carry no category"));
}

TEST_CASE("format names and detection") {
    CHECK(parse_record_format("auto") == RecordFormat::automatic);
    CHECK(parse_record_format("tsv") == RecordFormat::tsv);
    CHECK(parse_record_format("jsonl") == RecordFormat::jsonl);
    CHECK(parse_record_format("lines") == RecordFormat::lines);
    CHECK_THROWS_AS(parse_record_format("csv"), UsageError);

    CHECK(detect_record_format(R"({"title": "a"})") == RecordFormat::jsonl);
    CHECK(detect_record_format(" \t{\"title\": \"a\"}") == RecordFormat::jsonl);
    CHECK(detect_record_format(tsv("1", "t", "b")) == RecordFormat::tsv);
    CHECK(detect_record_format("a\tb\tc") == RecordFormat::lines);
    CHECK(detect_record_format(tsv("1", "t", "b") + "\tx") == RecordFormat::lines);
    CHECK(detect_record_format("Just a headline") == RecordFormat::lines);
    CHECK(detect_record_format("") == RecordFormat::lines);
}

TEST_CASE("read_records detects the format from the first line and keeps it") {
    SUBCASE("TSV") {
        std::string bytes = tsv("1", "First", "b") + "\n" + tsv("2", "Second", "t") + "\n" + tsv("3", "Third", "") + "\n";
        RecordReadStats stats;
        auto records = read_all(bytes, {}, &stats);
        REQUIRE(records.size() == 3);
        CHECK(stats.records == 3);
        CHECK(stats.skipped == 0);
        CHECK(records[0].title == "First");
        CHECK(records[1].label == 1);
        CHECK(records[2].label == no_label);
        CHECK(records[2].line == 3);
        // A later row with the wrong field count is an error, not a plain headline.
        std::string m = message_of<DataError>([&] { read_all(bytes + "a plain line\n"); });
        CHECK(m.rfind("news.tsv:4: ", 0) == 0);
        CHECK(contains(m, "found 1 TAB-separated fields"));
    }
    SUBCASE("JSON Lines, last line without a newline") {
        auto records = read_all("{\"title\": \"a\", \"category\": \"e\"}\n{\"input\": \"b\"}");
        REQUIRE(records.size() == 2);
        CHECK(records[0].label == 2);
        CHECK(records[1].title == "b");
        CHECK(records[1].line == 2);
    }
    SUBCASE("plain lines") {
        auto records = read_all("first headline\nsecond\twith a tab\n");
        REQUIRE(records.size() == 2);
        CHECK(records[1].title == "second\twith a tab");
    }
    SUBCASE("a forced format overrides detection") {
        RecordReadOptions options;
        options.format = RecordFormat::lines;
        auto records = read_all("{\"title\": \"a\"}\n", options);
        REQUIRE(records.size() == 1);
        CHECK(records[0].title == "{\"title\": \"a\"}");
    }
    SUBCASE("CRLF files fail on their first line") {
        std::string m = message_of<DataError>([&] { read_all("one\r\ntwo\r\n"); });
        CHECK(m.rfind("news.tsv:1: ", 0) == 0);
        CHECK(contains(m, "CRLF"));
    }
}

TEST_CASE("skip_bad counts bad rows instead of failing") {
    QuietLog quiet;
    std::string bytes = tsv("1", "good", "b") + "\n" +   // 1
                        "1\tshort\n" +                   // 2: field count
                        tsv("3", "", "b") + "\n" +       // 3: empty title
                        tsv("4", "t", "q") + "\n" +      // 4: unknown label
                        tsv("5", "bad \xff", "b") + "\n" +  // 5: invalid UTF-8
                        tsv("6", "cr", "b") + "\r\n" +   // 6: CRLF
                        tsv("7", "also good", "m") + "\n";
    RecordReadOptions options;
    CHECK_THROWS_AS(read_all(bytes, options), DataError);

    options.skip_bad = true;
    RecordReadStats stats;
    auto records = read_all(bytes, options, &stats);
    CHECK(stats.records == 2);
    CHECK(stats.skipped == 5);
    REQUIRE(records.size() == 2);
    CHECK(records[0].id == "1");
    CHECK(records[1].id == "7");
    CHECK(records[1].line == 7);
    CHECK(records[1].label == 3);
}

TEST_CASE("skip_bad does not hide errors that are not about the data") {
    QuietLog quiet;
    RecordReadOptions options;
    options.skip_bad = true;
    CHECK_THROWS_AS(read_records("a\nb\n", "s", options, [](NewsRecord&&) { throw IoError("disk full"); }), IoError);
}

TEST_CASE("a UTF-8 byte-order mark at the start is not part of the first record, and JSON Lines are still detected") {
    const std::string bom = "\xEF\xBB\xBF";
    const auto tsv = read_all(bom + "51\tTitle one\thttp://x\tPub\tb\tstory1\tx.com\t1\n");
    REQUIRE(tsv.size() == 1);
    CHECK(tsv[0].id == "51");
    const auto jsonl = read_all(bom + "{\"title\": \"Title one\", \"category\": \"m\"}\n");
    REQUIRE(jsonl.size() == 1);
    CHECK(jsonl[0].title == "Title one");
    CHECK(jsonl[0].label == 3);
    // Only at the start: further on the bytes are the title's.
    RecordReadOptions lines;
    lines.format = RecordFormat::lines;
    const auto later = read_all("first\n" + bom + "second\n", lines);
    REQUIRE(later.size() == 2);
    CHECK(later[1].title == bom + "second");
}

TEST_CASE("JSON Lines: a number passed through keeps its text, even beyond a double") {
    RecordReadOptions options;
    auto parse = [&](const std::string& line) { return parse_record_line(line, RecordFormat::jsonl, "in.jsonl", 1, options); };
    CHECK(parse(R"({"id": 123456789012345678901234567890, "title": "a"})").id == "123456789012345678901234567890");
    CHECK(parse(R"({"id": 1e400, "title": "a"})").id == "1e400");
    CHECK(parse(R"({"id": -1.50E+3 , "title": "a", "story": 99999999999999999999999})").id == "-1.50E+3");
    CHECK(parse(R"({"id": 1, "title": "a", "story": 99999999999999999999999})").story == "99999999999999999999999");
    CHECK(parse(R"({"id": 7, "id": 1e999, "title": "a"})").id == "1e999");  // the last, as for any field
    CHECK(parse(R"({"\u0069d": 1e400, "title": "a"})").id == "1e400");
    // A number beyond a double elsewhere than at the top level, or bad JSON after one, is still refused.
    auto message = [&](const std::string& line) { return message_of<DataError>([&] { parse(line); }); };
    CHECK(contains(message(R"({"id": 1, "title": "a", "extra": [1e400]})"), "not a JSON object"));
    CHECK(contains(message(R"({"id": 1e400, "title": "a",})"), "not a JSON object"));
    CHECK(contains(message(R"({"id": 1e400, "title": 5})"), "field \"title\" must be a string"));
}

TEST_CASE("fastText lines: one __label__ and the words, as fasttext supervised reads them") {
    RecordReadOptions options;
    NewsRecord r = parse_record_line("__label__m ebola  outbreak\tspreads", RecordFormat::fasttext, "s", 2, options);
    CHECK(r.label == 3);
    CHECK(r.title == "ebola outbreak spreads");
    CHECK(r.line == 2);
    // The label may stand anywhere, as fastText allows; a line without one is unlabelled.
    CHECK(parse_record_line("stocks __label__b rally", RecordFormat::fasttext, "s", 1, options).label == 0);
    CHECK(parse_record_line("stocks __label__b rally", RecordFormat::fasttext, "s", 1, options).title == "stocks rally");
    CHECK(parse_record_line("no label here", RecordFormat::fasttext, "s", 1, options).label == no_label);

    std::string m = message_of<DataError>([&] { parse_record_line("__label__b __label__t a", RecordFormat::fasttext, "s", 5, options); });
    CHECK(m.rfind("s:5: ", 0) == 0);
    CHECK(contains(m, "several labels (__label__b, __label__t)"));
    m = message_of<DataError>([&] { parse_record_line("__label__sports a", RecordFormat::fasttext, "s", 6, options); });
    CHECK(m.rfind("s:6: ", 0) == 0);
    CHECK(contains(m, "label \"__label__sports\""));
    m = message_of<DataError>([&] { parse_record_line("__label__e  ", RecordFormat::fasttext, "s", 7, options); });
    CHECK(contains(m, "is empty"));
    options.require_label = true;
    m = message_of<DataError>([&] { parse_record_line("no label here", RecordFormat::fasttext, "s", 8, options); });
    CHECK(m.rfind("s:8: ", 0) == 0);
    CHECK(contains(m, "no __label__"));
}

TEST_CASE("fastText lines are detected when every line starts with __label__") {
    CHECK(parse_record_format("fasttext") == RecordFormat::fasttext);
    CHECK(detect_record_format("__label__b stocks rally") == RecordFormat::fasttext);
    CHECK(detect_record_format(" __label__b stocks rally") == RecordFormat::lines);
    auto records = read_all("__label__b stocks rally\n__label__e kim wed\n");
    REQUIRE(records.size() == 2);
    CHECK(records[1].label == 2);
    CHECK(records[1].title == "kim wed");
    std::string m = message_of<DataError>([&] { read_all("__label__b stocks rally\nkim wed\n"); });
    CHECK(m.rfind("news.tsv:2: ", 0) == 0);
    CHECK(contains(m, "--input-format fasttext"));
    // Forced, a line without a label is an unlabelled headline (newsclf-tokenize writes such lines).
    RecordReadOptions options;
    options.format = RecordFormat::fasttext;
    records = read_all("__label__b stocks rally\nkim wed\n", options);
    REQUIRE(records.size() == 2);
    CHECK(records[1].label == no_label);
}
