// The validation split: rows by Python's random.Random(seed).shuffle (the values below are
// Python's), stories by int(md5(STORY), 16) % k or % 10^6 (as scripts/bench/split.py), whole
// stories on one side, rows without a story keyed by record id or row number, and named subsets.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/md5.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/training/data_split.hpp"
#include "test_support.hpp"

using namespace newsclf;
using newsclf::test::row_numbers;

namespace {

TokenCorpus empty_rows(std::size_t n) {
    TokenCorpus c;
    for (std::size_t i = 0; i < n; ++i) c.add(static_cast<int>(i % 4), std::to_string(i), "", {});
    return c;
}

void check_partition(const DataSplit& s, std::size_t n) {
    CHECK(std::is_sorted(s.train.begin(), s.train.end()));
    CHECK(std::is_sorted(s.validation.begin(), s.validation.end()));
    std::vector<std::size_t> all = s.train;
    all.insert(all.end(), s.validation.begin(), s.validation.end());
    std::sort(all.begin(), all.end());
    CHECK(all == row_numbers(n));
}

}  // namespace

TEST_CASE("the row split is Python's random.Random(seed).shuffle, the first floor(n (1 - f)) train") {
    const TokenCorpus corpus = empty_rows(1000);
    const DataSplit s = split_rows(corpus, "row", 0.2, 99);
    check_partition(s, 1000);
    REQUIRE(s.train.size() == 800);
    REQUIRE(s.validation.size() == 200);
    // l = list(range(1000)); random.Random(99).shuffle(l); sorted(l[800:])[:20], sorted(l[:800])[:20]
    CHECK(std::vector<std::size_t>(s.validation.begin(), s.validation.begin() + 20) ==
          std::vector<std::size_t>{5, 7, 11, 23, 37, 38, 43, 48, 52, 56, 57, 74, 82, 83, 84, 88, 89, 91, 94, 98});
    CHECK(std::vector<std::size_t>(s.train.begin(), s.train.begin() + 20) ==
          std::vector<std::size_t>{0, 1, 2, 3, 4, 6, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22});
    // The same validation set from the permutation itself: its last 200 entries.
    std::vector<std::size_t> order = row_numbers(1000);
    PythonRandom(99).shuffle(order);
    std::vector<std::size_t> tail(order.begin() + 800, order.end());
    std::sort(tail.begin(), tail.end());
    CHECK(tail == s.validation);

    CHECK(split_rows(corpus, "row", 0.2, 99).validation == s.validation);  // reproducible
    CHECK(split_rows(corpus, "row", 0.2, 100).validation != s.validation);
}

TEST_CASE("the row split's counts") {
    struct Case {
        std::size_t n;
        double fraction;
        std::size_t train;
    };
    for (Case c : {Case{1000, 0.1, 900}, Case{7, 0.2, 5}, Case{3, 0.5, 1}, Case{10, 0.5, 5}, Case{1, 0.2, 0},
                   Case{4, 0.25, 3}, Case{101, 0.2, 80}}) {
        CAPTURE(c.n);
        CAPTURE(c.fraction);
        const DataSplit s = split_rows(empty_rows(c.n), "row", c.fraction, 99);
        check_partition(s, c.n);
        CHECK(s.train.size() == c.train);
    }
}

TEST_CASE("validation_split 0 leaves every row for training") {
    for (const char* by : {"row", "story"}) {
        CAPTURE(by);
        const DataSplit s = split_rows(empty_rows(50), by, 0.0, 99);
        CHECK(s.train == row_numbers(50));
        CHECK(s.validation.empty());
    }
    CHECK_THROWS_AS(split_rows(empty_rows(5), "headline", 0.2, 99), UsageError);
}

TEST_CASE("the story split puts each story on one side by int(md5(STORY), 16)") {
    // int(hashlib.md5(s.encode()).hexdigest(), 16) % 5 and % 1000000, from Python
    struct Story {
        const char* id;
        std::uint64_t mod5, mod1e6;
    };
    const std::vector<Story> stories = {
        {"dxyGGb4iN9Cs9aMZTKQpJeoiQfruM", 2, 497082}, {"d4lvRcSzuglGdFMmqvT6ZGcG8vDlM", 2, 327892},
        {"dchKRTV8vDviyCMH_lfUDTuFThh_M", 4, 767259}, {"dqGernbFbzJ9-vM23ku_IW3-I2IPM", 0, 71855},
        {"dccIdMgK1mPz2OMPNMfHccPwCkkaM", 0, 36370},  {"dJbOm1zHMJJGWuMjXPV4nRnytnmrM", 3, 131113},
    };
    TokenCorpus corpus;
    for (std::size_t repeat = 0; repeat < 3; ++repeat)
        for (const auto& s : stories) corpus.add(0, "", s.id, {});
    SUBCASE("fraction 1/5: validation when the hash is 0 mod 5") {
        const DataSplit split = split_rows(corpus, "story", 0.2, 99);
        check_partition(split, corpus.size());
        std::vector<std::size_t> expected;
        for (std::size_t i = 0; i < corpus.size(); ++i)
            if (stories[i % stories.size()].mod5 == 0) expected.push_back(i);
        CHECK(split.validation == expected);
        CHECK(split.validation == std::vector<std::size_t>{3, 4, 9, 10, 15, 16});
        CHECK(split_rows(corpus, "story", 0.2, 12345).validation == expected);  // the seed plays no part
    }
    SUBCASE("fraction 0.3: validation when the hash mod 10^6 is below 300000") {
        const DataSplit split = split_rows(corpus, "story", 0.3, 99);
        std::vector<std::size_t> expected;
        for (std::size_t i = 0; i < corpus.size(); ++i)
            if (stories[i % stories.size()].mod1e6 < 300000) expected.push_back(i);
        CHECK(split.validation == expected);
    }
}

TEST_CASE("the story split keeps every story whole and holds out about the fraction") {
    TokenCorpus corpus;
    PythonRandom rng(3);
    for (std::size_t i = 0; i < 2000; ++i) corpus.add(0, "", "story-" + std::to_string(rng.randbelow(400)), {});
    for (double fraction : {0.2, 0.1, 0.25, 0.3}) {
        CAPTURE(fraction);
        const DataSplit split = split_rows(corpus, "story", fraction, 99);
        check_partition(split, corpus.size());
        std::map<std::string, std::set<bool>> sides;
        for (auto i : split.train) sides[corpus.stories[i]].insert(false);
        for (auto i : split.validation) sides[corpus.stories[i]].insert(true);
        std::size_t held_out = 0;
        for (const auto& [story, side] : sides) {
            CHECK(side.size() == 1);
            held_out += *side.begin();
        }
        const double share = static_cast<double>(held_out) / static_cast<double>(sides.size());
        CHECK(share > fraction * 0.6);
        CHECK(share < fraction * 1.4);
    }
}

TEST_CASE("rows without a story are their own story, keyed by record id or row number") {
    TokenCorpus corpus;
    for (std::size_t i = 0; i < 60; ++i) corpus.add(0, i % 2 ? "id" + std::to_string(i) : "", "", {});
    const DataSplit split = split_rows(corpus, "story", 0.2, 99);
    std::vector<std::size_t> expected;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
        const std::string key = i % 2 ? "#id" + std::to_string(i) : "#" + std::to_string(i + 1);
        if (md5_mod(key, 5) == 0) expected.push_back(i);
    }
    CHECK(!expected.empty());
    CHECK(split.validation == expected);
}

TEST_CASE("subset_rows names the split's sides") {
    const TokenCorpus corpus = empty_rows(30);
    FitOptions options;
    const DataSplit split = split_rows(corpus, options.split_by, options.validation_split, options.seed);
    CHECK(subset_rows(corpus, "all", options) == row_numbers(30));
    CHECK(subset_rows(corpus, "train", options) == split.train);
    CHECK(subset_rows(corpus, "validation", options) == split.validation);
    CHECK_THROWS_AS(subset_rows(corpus, "test", options), UsageError);
}

TEST_CASE("the benchmark's splits of the bundled sample, as scripts/bench/split.py makes them") {
    // The sample's rows with their STORY field (the sixth); labels and tokens play no part.
    TokenCorpus corpus;
    std::istringstream lines(read_bytes(newsclf::test::source_path("testdata/news.sample.tsv")).str());
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::istringstream in(line);
        for (std::string f; std::getline(in, f, '\t');) fields.push_back(f);
        REQUIRE(fields.size() == 8);
        corpus.add(0, fields[0], fields[5], {});
    }
    REQUIRE(corpus.size() == 10001);
    auto sum = [](const std::vector<std::size_t>& v) { return std::accumulate(v.begin(), v.end(), std::size_t{0}); };
    // l = list(range(10001)); random.Random(99).shuffle(l); v = sorted(l[8000:]): len, v[:8], sum(v)
    const DataSplit rows = split_rows(corpus, "row", 0.2, 99);
    CHECK(rows.validation.size() == 2001);
    CHECK(std::vector<std::size_t>(rows.validation.begin(), rows.validation.begin() + 8) ==
          std::vector<std::size_t>{0, 1, 2, 5, 12, 14, 16, 21});
    CHECK(sum(rows.validation) == 9839367);
    // [i for i, r in enumerate(rows) if int(hashlib.md5(r[5]).hexdigest(), 16) % 5 == 0]
    const DataSplit stories = split_rows(corpus, "story", 0.2, 99);
    CHECK(stories.validation.size() == 2182);
    CHECK(std::vector<std::size_t>(stories.validation.begin(), stories.validation.begin() + 8) ==
          std::vector<std::size_t>{8, 9, 10, 11, 12, 47, 48, 49});
    CHECK(sum(stories.validation) == 10662226);
}

TEST_CASE("split_by parses once into its kind; the name and the kind split alike") {
    CHECK(split_by_named("row") == SplitBy::row);
    CHECK(split_by_named("story") == SplitBy::story);
    CHECK_THROWS_WITH_AS(split_by_named("Story"), "split_by: \"Story\" is not one of row, story", UsageError);
    TokenCorpus corpus;
    for (std::size_t i = 0; i < 40; ++i) corpus.add(0, std::to_string(i), "s" + std::to_string(i / 3), {});
    CHECK(split_rows(corpus, SplitBy::row, 0.25, 4).validation == split_rows(corpus, "row", 0.25, 4).validation);
    CHECK(split_rows(corpus, SplitBy::story, 0.25, 4).validation == split_rows(corpus, "story", 0.25, 4).validation);
}

TEST_CASE("the folds of a story cross-validation: disjoint, covering, whole stories, balanced") {
    TokenCorpus corpus;
    PythonRandom rng(5);
    // Stories of very different sizes, as the data set's are, and a few rows without a story.
    for (std::size_t i = 0; i < 3000; ++i) {
        const auto r = rng.randbelow(1000);
        const std::string story = r < 20 ? "" : "story-" + std::to_string(r < 500 ? r % 10 : r);
        corpus.add(0, i % 3 ? "id" + std::to_string(i) : "", story, {});
    }
    std::map<std::string, std::size_t> story_rows;
    for (std::size_t i = 0; i < corpus.size(); ++i)
        if (!corpus.stories[i].empty()) ++story_rows[corpus.stories[i]];
    std::size_t largest = 0;
    for (const auto& [story, rows] : story_rows) largest = std::max(largest, rows);
    for (std::size_t k : {2, 3, 5, 10}) {
        CAPTURE(k);
        std::vector<std::size_t> seen(corpus.size(), 0), sizes;
        std::map<std::string, std::set<std::size_t>> folds_of_story;
        for (std::size_t fold = 1; fold <= k; ++fold) {
            const DataSplit split = fold_split(corpus, SplitBy::story, k, fold, 99);
            check_partition(split, corpus.size());
            sizes.push_back(split.validation.size());
            for (auto i : split.validation) {
                ++seen[i];
                if (!corpus.stories[i].empty()) folds_of_story[corpus.stories[i]].insert(fold);
            }
        }
        CHECK(std::all_of(seen.begin(), seen.end(), [](std::size_t s) { return s == 1; }));  // each row in one fold
        for (const auto& [story, folds] : folds_of_story) CHECK(folds.size() == 1);
        const auto [small, large] = std::minmax_element(sizes.begin(), sizes.end());
        CHECK(*large - *small <= largest);
        CHECK(*small > 0);
    }
    // The same folds every time, other folds with another seed.
    CHECK(fold_of_rows(corpus, SplitBy::story, 5, 99) == fold_of_rows(corpus, SplitBy::story, 5, 99));
    CHECK(fold_of_rows(corpus, SplitBy::story, 5, 99) != fold_of_rows(corpus, SplitBy::story, 5, 7));
}

TEST_CASE("the folds of a row cross-validation: the shuffled rows dealt out, sizes within one") {
    const TokenCorpus corpus = empty_rows(103);
    std::vector<std::size_t> order = row_numbers(103);
    PythonRandom(99).shuffle(order);
    const std::vector<std::size_t> fold = fold_of_rows(corpus, SplitBy::row, 4, 99);
    for (std::size_t p = 0; p < order.size(); ++p) CHECK(fold[order[p]] == p % 4);
    std::vector<std::size_t> seen(103, 0);
    for (std::size_t f = 1; f <= 4; ++f) {
        const DataSplit split = fold_split(corpus, SplitBy::row, 4, f, 99);
        check_partition(split, 103);
        CHECK(split.validation.size() == (f <= 3 ? 26u : 25u));
        for (auto i : split.validation) ++seen[i];
    }
    CHECK(std::all_of(seen.begin(), seen.end(), [](std::size_t s) { return s == 1; }));
}

TEST_CASE("fold settings out of range, and folds with no rows") {
    const TokenCorpus corpus = empty_rows(10);
    CHECK_THROWS_AS(fold_of_rows(corpus, SplitBy::row, 1, 99), UsageError);
    CHECK_THROWS_AS(fold_split(corpus, SplitBy::row, 5, 0, 99), UsageError);
    CHECK_THROWS_AS(fold_split(corpus, SplitBy::row, 5, 6, 99), UsageError);
    TokenCorpus two_stories;
    for (std::size_t i = 0; i < 10; ++i) two_stories.add(0, std::to_string(i), i < 5 ? "a" : "b", {});
    CHECK_NOTHROW(fold_split(two_stories, SplitBy::story, 2, 2, 99));
    CHECK_THROWS_AS(fold_split(two_stories, SplitBy::story, 3, 3, 99), DataError);
}
