// The headline tokenizer (blocks on several threads, records through a spill file) against the
// plain path (read_records into a CorpusBuilder, one thread, all in memory): the same bytes for
// every output, on the sample and on randomised corpora cut into many small blocks.
#include <doctest/doctest.h>

#include "newsclf/base/log.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/formats/headline_tokenizer.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

struct Outputs {
    std::string binary, jsonl, fasttext, stats, vocabulary;
};

Outputs plain_path(const std::string& path, const HeadlineTokenizerOptions& o) {
    set_verbosity(0);  // no summary lines nor skipped rows on stderr
    CorpusBuilder builder(o.normalizer, o.max_words, o.given);
    read_records(read_bytes(path), display_name(path), o.read, [&](NewsRecord&& r) { builder.add(r); });
    Outputs out;
    const TokenStream ts = builder.finish();
    out.binary = token_stream_bytes(ts);
    for (std::size_t i = 0; i < ts.corpus.size(); ++i) {
        out.jsonl += token_record_json(ts.corpus, i) + "\n";
        out.fasttext += builder.fasttext_line(i) + "\n";
    }
    out.stats = builder.stats_json();
    out.vocabulary = builder.vocabulary().to_text();
    return out;
}

Outputs tokenizer_path(const std::string& path, HeadlineTokenizerOptions o, const TempDir& dir) {
    Outputs out;
    auto run = [&](TokenOutput format, std::string& into) {
        HeadlineTokenizer tokenizer(o);
        LineReader reader(path);
        tokenizer.add_input(reader);
        const std::string file = dir.file("out");
        OutputFile f(file);
        tokenizer.write(f, format);
        f.commit();
        into = read_bytes(file).str();
        out.vocabulary = tokenizer.vocabulary().to_text();
    };
    run(TokenOutput::binary, out.binary);
    run(TokenOutput::jsonl, out.jsonl);
    run(TokenOutput::fasttext, out.fasttext);
    o.stats_only = true;
    HeadlineTokenizer stats(o);
    LineReader reader(path);
    stats.add_input(reader);
    out.stats = stats.stats_json();
    return out;
}

void check_same(const std::string& path, const HeadlineTokenizerOptions& o, const TempDir& dir,
                const std::vector<std::size_t>& block_sizes, const std::vector<std::size_t>& thread_counts = {1, 2, 3}) {
    const Outputs plain = plain_path(path, o);
    for (std::size_t threads : thread_counts) {
        for (std::size_t block : block_sizes) {
            CAPTURE(threads);
            CAPTURE(block);
            HeadlineTokenizerOptions t = o;
            t.threads = threads;
            t.block_bytes = block;
            const Outputs got = tokenizer_path(path, t, dir);
            CHECK(got.binary == plain.binary);
            CHECK(got.jsonl == plain.jsonl);
            CHECK(got.fasttext == plain.fasttext);
            CHECK(got.stats == plain.stats);
            CHECK(got.vocabulary == plain.vocabulary);
        }
    }
}

// A random headline file: TSV rows whose titles mix words, punctuation, apostrophes, spaces,
// non-ASCII letters and over-long words, some unlabelled, some with a byte-order mark first.
std::string random_tsv(std::uint64_t seed, std::size_t rows) {
    PythonRandom rng(seed);
    const std::vector<std::string> pieces = {"Apple", "apple", "GOOGLE", "stocks", "Fed", "rate", "Ebola", "'s",
                                             "'", "don't", "U.S.", "--", "...", "(AP)", "$4.5bn", "Kim's", "Beyoncé",
                                             "ÉTÉ", "naïve", "–", "…", "「東京」", "x", "a_b", "3D", "\t", "  ", "İstanbul"};
    const char* labels[] = {"b", "t", "e", "m", ""};
    std::string out;
    if (rng.randbelow(2)) out += "\xEF\xBB\xBF";
    for (std::size_t r = 0; r < rows; ++r) {
        std::string title;
        const std::size_t words = 1 + rng.randbelow(12);
        for (std::size_t w = 0; w < words; ++w) {
            if (w) title += rng.randbelow(5) ? " " : "";
            title += rng.randbelow(9) ? pieces[rng.randbelow(pieces.size())] : std::string(1 + rng.randbelow(40), 'z');
        }
        if (title.find_first_not_of(" \t") == std::string::npos) title = "empty";
        std::string clean;
        for (char c : title) clean += c == '\t' ? ' ' : c;
        out += std::to_string(r) + "\t" + clean + "\turl\tP" + std::to_string(rng.randbelow(7)) + "\t" +
               labels[rng.randbelow(5)] + "\ts" + std::to_string(rng.randbelow(30)) + "\thost\t1\n";
    }
    if (rng.randbelow(2) && !out.empty()) out.pop_back();  // no newline after the last line
    return out;
}

}  // namespace

TEST_CASE("headline tokenizer: the sample gives the plain path's bytes, whatever the threads and blocks") {
    TempDir dir;
    HeadlineTokenizerOptions o;
    // Blocks of 20 kB: a hundred of them, several in flight on each of three threads.
    for (std::size_t max_words : {std::size_t{0}, std::size_t{50}}) {
        CAPTURE(max_words);
        o.max_words = max_words;
        check_same(source_path("testdata/news.sample.tsv"), o, dir, {20000}, {1, 3});
    }
    o.given = Vocabulary({"ebola", "apple", "the"});
    check_same(source_path("testdata/news.sample.tsv"), o, dir, {20000}, {3});
}

TEST_CASE("headline tokenizer: randomised corpora give the plain path's bytes") {
    TempDir dir;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        CAPTURE(seed);
        const std::string path = dir.file("random.tsv");
        write_file(path, random_tsv(seed, 50 + 40 * seed));
        HeadlineTokenizerOptions o;
        o.max_words = seed % 3 == 0 ? 0 : 2 + seed * 5;
        check_same(path, o, dir, {1, 300}, {1, 3});  // a line a block, and a few lines
    }
}

TEST_CASE("headline tokenizer: bad rows fail or are skipped as read_records does them") {
    TempDir dir;
    const std::string path = dir.file("bad.tsv");
    std::string text = random_tsv(7, 300);
    if (text.back() == '\n') text.pop_back();
    text += "\n1\tgood title\tu\tP\tb\ts\th\t1\nonly\ttwo fields\n2\tbad \xFF byte\tu\tP\tq\ts\th\t1\n3\tlast\tu\tP\tm\ts\th\t1\n";
    write_file(path, text);
    HeadlineTokenizerOptions o;
    o.max_words = 0;
    const std::string plain = message_of<DataError>([&] { plain_path(path, o); });
    CHECK(contains(plain, ":302: found 2 TAB-separated fields"));
    for (std::size_t threads : {1, 2}) {
        CAPTURE(threads);
        HeadlineTokenizerOptions t = o;
        t.threads = threads;
        t.block_bytes = 64;
        CHECK(message_of<DataError>([&] { tokenizer_path(path, t, dir); }) == plain);
        t.read.skip_bad = true;
        HeadlineTokenizerOptions p = o;
        p.read.skip_bad = true;
        const Outputs got = tokenizer_path(path, t, dir), want = plain_path(path, p);
        CHECK(got.binary == want.binary);
        CHECK(got.stats == want.stats);
    }
}
