// The JSON line of a prediction, batches of headlines and the lines of a headline file.
#include <doctest/doctest.h>

#include <cmath>
#include <simdjson.h>

#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/model/prediction.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("a prediction line names the best label, its category and the probabilities") {
    Probabilities p = {0.1f, 0.2f, 0.05f, 0.65f};
    std::string line;
    append_prediction_json(line, p, PredictionFormat{});
    CHECK(line == "{\"label\":\"m\",\"category\":\"Health & Medicine\",\"probabilities\":{\"b\":0.1,\"t\":0.2,\"e\":0.05,\"m\":0.65}}");
    line.clear();
    const std::string id = "id \"7\"";
    append_prediction_json(line, p, PredictionFormat{2}, &id);
    CHECK(line == "{\"id\":\"id \\\"7\\\"\",\"label\":\"m\",\"category\":\"Health & Medicine\",\"probabilities\":{\"m\":0.65,\"t\":0.2}}");
    simdjson::dom::parser parser;
    CHECK_FALSE(parser.parse(line).error());
    CHECK(best_label(Probabilities{0.4f, 0.4f, 0.1f, 0.1f}) == 0);  // a tie goes to the first label
}

TEST_CASE("a batch is classified as its headlines are one by one, and written a line each with its id") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    HeadlineBatch batch;
    batch.add("Stocks fall as oil prices rise", "a1");
    batch.add("", "");
    batch.add("Kim Kardashian wedding", "");
    const auto predictions = classify_batch(*classifier, batch);
    REQUIRE(predictions.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) CHECK(predictions[i] == classifier->classify(batch.titles[i]));
    std::string lines;
    append_prediction_lines(lines, batch, predictions, PredictionFormat{1});
    std::string expected;
    append_prediction_json(expected, predictions[0], PredictionFormat{1}, &*batch.ids[0]);
    expected += '\n';
    append_prediction_json(expected, predictions[1], PredictionFormat{1});
    expected += '\n';
    append_prediction_json(expected, predictions[2], PredictionFormat{1});
    expected += '\n';
    CHECK(lines == expected);
    CHECK(lines.rfind("{\"id\":\"a1\",", 0) == 0);
}

TEST_CASE("predict_lines: the same lines whatever the batch size, each batch written as it is done") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    TempDir dir;
    write_bytes(dir.file("in.jsonl"), "{\"id\": \"x\", \"title\": \"Stocks fall\"}\n{\"title\": \"\"}\n"
                                      "{\"title\": \"Apple unveils a new phone\"}\n");
    auto run = [&](std::size_t batch_lines, std::size_t& writes) {
        LineReader reader(dir.file("in.jsonl"));
        std::string out;
        writes = 0;
        predict_lines(reader, *classifier, RecordFormat::automatic, PredictionFormat{}, batch_lines, 1,
                      [&](const std::string& lines) {
                          out += lines;
                          ++writes;
                      });
        return out;
    };
    std::size_t one_writes = 0, all_writes = 0;
    const std::string one_by_one = run(1, one_writes);
    CHECK(run(512, all_writes) == one_by_one);
    CHECK(one_writes == 3);
    CHECK(all_writes == 1);
    CHECK(std::count(one_by_one.begin(), one_by_one.end(), '\n') == 3);
    CHECK(one_by_one.rfind("{\"id\":\"x\",\"label\":", 0) == 0);

    write_bytes(dir.file("bad.jsonl"), "{\"title\": \"ok\"}\nnot json\n");
    LineReader reader(dir.file("bad.jsonl"));
    CHECK(contains(message_of<DataError>([&] {
                       predict_lines(reader, *classifier, RecordFormat::automatic, PredictionFormat{}, 512, 1,
                                     [](const std::string&) {});
                   }),
                   "bad.jsonl:2"));
}

TEST_CASE("predict_lines: on several threads, the one-thread lines in input order, and its first error") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    TempDir dir;
    const std::string sample = dir.file("sample.tsv");  // the bundled sample's first 2,000 rows
    std::string rows = read_bytes(source_path("testdata/news.sample.tsv")).str();
    std::size_t end = 0;
    for (int i = 0; i < 2000; ++i) end = rows.find('\n', end) + 1;
    write_bytes(sample, rows.substr(0, end));
    auto run = [&](const std::string& path, std::size_t batch_lines, std::size_t threads, const PredictionFormat& format) {
        LineReader reader(path);
        std::string out;
        predict_lines(reader, *classifier, RecordFormat::automatic, format, batch_lines, threads,
                      [&](const std::string& lines) { out += lines; });
        return out;
    };
    for (const PredictionFormat& format : {PredictionFormat{}, PredictionFormat{2, true, false}, PredictionFormat{1, false, true}}) {
        const std::string plain = run(sample, 1, 1, format);
        CHECK(std::count(plain.begin(), plain.end(), '\n') == 2000);
        for (std::size_t threads : {2, 3})
            for (std::size_t batch : {1, 7, 512}) {
                CAPTURE(threads);
                CAPTURE(batch);
                CHECK(run(sample, batch, threads, format) == plain);
            }
    }
    std::string text = read_bytes(sample).str();
    std::size_t halfway = 0;
    for (int i = 0; i < 1000; ++i) halfway = text.find('\n', halfway) + 1;
    text.insert(halfway, "not a row\n");  // a bad line halfway, then a bad label
    text += "1\ttitle\tu\tP\tq\ts\th\t1\n";
    write_bytes(dir.file("bad.tsv"), text);
    const std::string plain = message_of<DataError>([&] { run(dir.file("bad.tsv"), 512, 1, {}); });
    CHECK(contains(plain, "bad.tsv:1001: found 1 TAB-separated fields"));
    for (std::size_t batch : {1, 7, 512}) CHECK(message_of<DataError>([&] { run(dir.file("bad.tsv"), batch, 3, {}); }) == plain);
}

TEST_CASE("predict_lines: a randomised corpus gives the one-thread lines on several threads") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    TempDir dir;
    const std::vector<std::string> pieces = {"Apple", "stocks", "Fed", "rate", "Ebola", "'s", "don't", "U.S.", "--",
                                             "(AP)", "Beyoncé", "naïve", "…", "「東京」", "x", "  ", "İstanbul", "vaccine"};
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        CAPTURE(seed);
        PythonRandom rng(seed);
        std::string text;  // plain headline lines, some empty
        for (std::size_t line = 0; line < 300 + 100 * seed; ++line) {
            for (std::size_t w = rng.randbelow(10); w > 0; --w) (text += pieces[rng.randbelow(pieces.size())]) += ' ';
            text += '\n';
        }
        write_bytes(dir.file("random.txt"), text);
        auto run = [&](std::size_t batch_lines, std::size_t threads) {
            LineReader reader(dir.file("random.txt"));
            std::string out;
            predict_lines(reader, *classifier, RecordFormat::lines, PredictionFormat{}, batch_lines, threads,
                          [&](const std::string& lines) { out += lines; });
            return out;
        };
        const std::string plain = run(1, 1);
        CHECK(std::count(plain.begin(), plain.end(), '\n') == static_cast<long>(300 + 100 * seed));
        for (std::size_t batch : {1, 13, 512}) CHECK(run(batch, 3) == plain);
    }
}

TEST_CASE("fastText's predict-prob lines: the top k labels, best first, and no id") {
    const Probabilities p = {0.04f, 0.02f, 0.01f, 0.93f};
    std::string out;
    append_prediction_fasttext(out, p, 4);
    CHECK(out == "__label__m 0.93 __label__b 0.04 __label__t 0.02 __label__e 0.01");
    out.clear();
    append_prediction_fasttext(out, p, 1);
    CHECK(out == "__label__m 0.93");
    HeadlineBatch batch;
    batch.add("a headline", "7");
    out.clear();
    append_prediction_lines(out, batch, {p}, PredictionFormat{2, false, true});
    CHECK(out == "__label__m 0.93 __label__b 0.04\n");
}
