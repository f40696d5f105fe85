// Evaluation inputs and metrics: headlines and a token stream of the model's vocabulary give the
// same rows; other vocabularies and unlabelled rows are refused (or skipped); evaluate_rows.
#include "newsclf/model/evaluation.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

// The 21 rows tiny.tokens was made from (testdata/fixtures/README.md).
std::string tiny_tsv() {
    std::ifstream in(source_path("testdata/news.sample.tsv"), std::ios::binary);
    std::string line, out;
    for (std::size_t n = 1; std::getline(in, line); ++n)
        if (n % 500 == 1) out += line + "\n";
    return out;
}

std::vector<std::size_t> all_rows(const TokenCorpus& corpus) {
    std::vector<std::size_t> rows(corpus.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    return rows;
}

}  // namespace

TEST_CASE("headlines and the token stream made from them give the same rows and metrics") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    TempDir dir;
    write_bytes(dir.file("tiny.tsv"), tiny_tsv());
    TokenCorpus from_headlines, from_stream;
    add_labelled_input(from_headlines, dir.file("tiny.tsv"), *classifier, {});
    add_labelled_input(from_stream, fixture_path("tiny.tokens"), *classifier, {});
    REQUIRE(from_headlines.size() == 21);
    REQUIRE(from_stream.size() == 21);
    CHECK(from_headlines.labels == from_stream.labels);
    CHECK(from_headlines.ids == from_stream.ids);
    CHECK(from_headlines.tokens == from_stream.tokens);
    const std::string metrics = evaluate_rows(*classifier, from_headlines, all_rows(from_headlines)).json();
    CHECK(metrics == evaluate_rows(*classifier, from_stream, all_rows(from_stream)).json());
    CHECK(metrics.rfind("{\"n\":21,", 0) == 0);

    // Several inputs are read in turn into one corpus; a subset of rows is evaluated alone.
    add_labelled_input(from_headlines, fixture_path("tiny.tokens"), *classifier, {});
    CHECK(from_headlines.size() == 42);
    CHECK(evaluate_rows(*classifier, from_headlines, {0, 1, 2}).json().rfind("{\"n\":3,", 0) == 0);
}

TEST_CASE("an unlabelled row is refused, naming the input, or skipped with skip_bad") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    TempDir dir;
    std::string tsv = tiny_tsv();
    write_bytes(dir.file("good.tsv"), tsv);
    tsv.replace(tsv.find("\tb\t"), 3, "\tx\t");  // no category of the four
    write_bytes(dir.file("bad.tsv"), tsv);
    TokenCorpus corpus;
    CHECK(contains(message_of<DataError>([&] { add_labelled_input(corpus, dir.file("bad.tsv"), *classifier, {}); }),
                   "bad.tsv"));
    TokenCorpus skipped;
    add_labelled_input(skipped, dir.file("bad.tsv"), *classifier, {"auto", true});
    CHECK(skipped.size() == 20);

    // A token stream with unlabelled records: the same choice.
    TokenStream ts = parse_token_stream(read_bytes(fixture_path("tiny.tokens")), "tiny.tokens");
    ts.corpus.labels[3] = -1;
    write_bytes(dir.file("unlabelled.tokens"), token_stream_bytes(ts));
    CHECK(contains(message_of<DataError>([&] { add_labelled_input(corpus, dir.file("unlabelled.tokens"), *classifier, {}); }),
                   "unlabelled.tokens: record 4 has no category"));
    TokenCorpus skipped_stream;
    add_labelled_input(skipped_stream, dir.file("unlabelled.tokens"), *classifier, {"auto", true});
    CHECK(skipped_stream.size() == 20);
}

TEST_CASE("a token stream of another vocabulary is refused, saying what to do") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    TempDir dir;
    TokenStream ts = parse_token_stream(read_bytes(fixture_path("tiny.tokens")), "tiny.tokens");
    std::vector<std::string> words = ts.info.vocabulary.words();
    std::swap(words[0], words[1]);
    ts.info.vocabulary = Vocabulary(words);
    write_bytes(dir.file("other.tokens"), token_stream_bytes(ts));
    TokenCorpus corpus;
    const std::string message =
        message_of<DataError>([&] { add_labelled_input(corpus, dir.file("other.tokens"), *classifier, {}); });
    CHECK(contains(message, "other.tokens: the token stream was made with another vocabulary"));
    CHECK(contains(message, "tokenize them with the model's vocabulary"));
}

TEST_CASE("evaluate_rows gives each row's predicted label, the confusion matrix's columns") {
    auto classifier = load_classifier(fixture_path("tiny.model"));
    TokenCorpus corpus;
    add_labelled_input(corpus, fixture_path("tiny.tokens"), *classifier, {});
    std::vector<std::int8_t> predicted;
    const MetricsAccumulator m = evaluate_rows(*classifier, corpus, all_rows(corpus), &predicted);
    REQUIRE(predicted.size() == corpus.size());
    ConfusionMatrix c{};
    for (std::size_t i = 0; i < corpus.size(); ++i)
        ++c[static_cast<std::size_t>(corpus.labels[i])][static_cast<std::size_t>(predicted[i])];
    CHECK(c == m.confusion());
}

TEST_CASE("another system's labels: codes or JSON lines with \"label\", one a row, named file and line otherwise") {
    CHECK(read_predicted_labels("b\nt\r\n{\"label\": \"e\", \"category\": \"Entertainment\"}\n m \n", "p", 4) ==
          std::vector<std::int8_t>{0, 1, 2, 3});
    CHECK(read_predicted_labels("b\nm", "p", 2) == std::vector<std::int8_t>{0, 3});
    CHECK(contains(message_of<DataError>([] { read_predicted_labels("b\nx\n", "p.txt", 2); }), "p.txt:2: unknown label \"x\""));
    CHECK(contains(message_of<DataError>([] { read_predicted_labels("b\n\n", "p.txt", 2); }), "p.txt:2: unknown label \"\""));
    CHECK(contains(message_of<DataError>([] { read_predicted_labels("{\"labels\": 1}\n", "p.jsonl", 1); }),
                   "p.jsonl:1: a JSON line without a \"label\" string"));
    CHECK(contains(message_of<DataError>([] { read_predicted_labels("b\nt\nb\n", "p.txt", 2); }),
                   "p.txt:3: more predictions than the 2 rows evaluated"));
    CHECK(contains(message_of<DataError>([] { read_predicted_labels("b\n", "p.txt", 3); }),
                   "p.txt:2: end of the predictions after 1 line(s), but 3 rows are evaluated"));
}
