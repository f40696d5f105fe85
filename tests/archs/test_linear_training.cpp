// train_linear on a small corpus whose class shows in its words: idf as the file keeps it, weights
// in half precision, the scale of the decision values from the training rows, the same model whatever the
// threads, and no training rows refused. On two fake ranks (CoCoA+): the same model on both, as
// accurate as one rank's on the sample.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/linear_training.hpp"
#include "fake_ranks.hpp"
#include "sample_stream.hpp"

using namespace newsclf;
using newsclf::test::FakeRank;
using newsclf::test::TwoRanks;

namespace {

// Words 1..40: word w leans to class w % 4; each headline has 6 words, 4 of its class.
TokenCorpus leaning_corpus(std::size_t n) {
    TokenCorpus c;
    std::uint64_t state = 3;
    auto next = [&](std::uint32_t below) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>((state >> 33) % below);
    };
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t label = static_cast<std::uint32_t>(i % 4);
        std::vector<std::uint32_t> ids;
        for (int k = 0; k < 6; ++k) ids.push_back(k < 4 ? 1 + label + 4 * next(10) : 1 + next(40));
        c.add(static_cast<int>(label), std::to_string(i), "", ids);
    }
    return c;
}

FitOptions options_with(std::size_t threads) {
    FitOptions o;
    o.arch = "linear";
    o.ngrams = 2;
    o.buckets = 64;
    o.c = 0.7;
    o.tolerance = 0.01;
    o.epochs = 1000;
    o.threads = threads;
    return o;
}

struct TwoRankRun {
    std::vector<float> params[2];
    std::vector<EpochResult> history[2];
};

// train_linear on two fake ranks at once, each with its own params.
TwoRankRun train_on_two_ranks(const LinearNetwork& network, const TokenCorpus& corpus, const DataSplit& split,
                              const FitOptions& options) {
    TwoRanks shared;
    TwoRankRun run;
    run_workers(2, [&](std::size_t r) {
        FakeRank comm(shared, r);
        run.history[r] = train_linear(network, run.params[r], corpus, split, options, comm);
    });
    return run;
}

}  // namespace

TEST_CASE("train_linear: idf and weights as the file keeps them, a fitted temperature, any threads alike") {
    set_verbosity(0);
    const TokenCorpus corpus = leaning_corpus(400);
    DataSplit split;
    for (std::size_t r = 0; r < 400; ++r) (r % 5 == 0 ? split.validation : split.train).push_back(r);
    const LinearNetwork network({40, 2, 64, 4});
    Communicator one_rank;
    std::vector<float> params;
    const auto history = train_linear(network, params, corpus, split, options_with(1), one_rank);
    REQUIRE(params.size() == network.parameter_count());
    REQUIRE(history.size() == 1);
    CHECK(history[0].epoch == 1);
    CHECK(history[0].train.rows == split.train.size());
    CHECK(history[0].validation.rows == split.validation.size());
    CHECK(history[0].validation.accuracy > 0.9);
    CHECK(history[0].steps > 0);  // the solver's passes

    // idf: the smooth idf of the training rows' document frequencies, rounded to half precision.
    std::vector<std::uint32_t> df(network.features(), 0);
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> counts;
    for (std::size_t r : split.train) {
        network.ngrams().count({corpus.tokens_of(r), corpus.length(r)}, scratch, counts);
        for (const FeatureCount& f : counts) ++df[f.index];
    }
    for (std::size_t j = 0; j < network.features(); ++j)
        CHECK(params[network.idf_offset() + j] == round_to_half(smooth_idf(df[j], split.train.size())));
    // Weights are half-precision values, and zero for features no training row has.
    for (std::size_t j = 0; j < network.features(); ++j)
        for (std::size_t c = 0; c < 4; ++c) {
            const float w = params[network.weights_offset() + j * 4 + c];
            CHECK(w == round_to_half(w));
            if (df[j] == 0) CHECK(w == 0.0f);
        }
    const float temperature = params[network.temperature_offset()];
    CHECK(temperature > 0.0f);
    CHECK(temperature != 1.0f);

    std::vector<float> again;
    train_linear(network, again, corpus, split, options_with(3), one_rank);
    CHECK(again == params);
}

TEST_CASE("train_linear refuses an empty training set") {
    const TokenCorpus corpus = leaning_corpus(8);
    DataSplit split;
    for (std::size_t r = 0; r < 8; ++r) split.validation.push_back(r);
    const LinearNetwork network({40, 2, 64, 4});
    Communicator one_rank;
    std::vector<float> params;
    CHECK_THROWS_AS(train_linear(network, params, corpus, split, options_with(1), one_rank), DataError);
}

TEST_CASE("train_linear on two ranks by CoCoA+: the same model on both, idf of all the rows, one rank's accuracy") {
    set_verbosity(0);
    const TokenCorpus corpus = leaning_corpus(400);
    DataSplit split;
    for (std::size_t r = 0; r < 400; ++r) (r % 5 == 0 ? split.validation : split.train).push_back(r);
    const LinearNetwork network({40, 2, 64, 4});
    Communicator one_rank;
    std::vector<float> alone;
    const auto single = train_linear(network, alone, corpus, split, options_with(1), one_rank);
    const TwoRankRun two = train_on_two_ranks(network, corpus, split, options_with(1));
    REQUIRE(two.params[0].size() == network.parameter_count());
    CHECK(two.params[0] == two.params[1]);
    // idf from the document frequencies of both shards: one rank's.
    for (std::size_t j = 0; j < network.features(); ++j)
        CHECK(two.params[0][network.idf_offset() + j] == alone[network.idf_offset() + j]);
    // The training rows of both shards scored, on both ranks alike.
    for (const auto& history : two.history) {
        REQUIRE(history.size() == 1);
        CHECK(history[0].train.rows == split.train.size());
        CHECK(history[0].train.accuracy == two.history[0][0].train.accuracy);
        CHECK(history[0].validation.accuracy == single[0].validation.accuracy);
    }
    // The same optimum up to the tolerance: weights near one rank's.
    double largest = 0, scale = 0;
    for (std::size_t i = 0; i < network.features() * 4; ++i) {
        largest = std::max(largest, std::fabs(double(alone[i]) - two.params[0][i]));
        scale = std::max(scale, std::fabs(double(alone[i])));
    }
    INFO("largest weight difference " << largest << " of weights up to " << scale);
    CHECK(largest <= 0.05 * scale);

    // Only the squared hinge trains on several ranks.
    FitOptions logistic = options_with(1);
    logistic.loss = "logistic";
    CHECK_THROWS_AS(train_on_two_ranks(network, corpus, split, logistic), UsageError);
}

TEST_CASE("train_linear on two ranks by CoCoA+ on the sample: accuracy within 0.1 points of one rank's") {
    // At a tolerance of 0.01, near the optimum of both. At the arch's 0.5 they stop at points as far
    // apart as one rank's with another --seed: 0.15 points of validation accuracy either way.
    set_verbosity(0);
    const TokenStream ts = test::sample_stream();
    const FitOptions options =
        fit_options({{"arch", "linear"}, {"buckets", "65536"}, {"validation_split", "0.2"}, {"tolerance", "0.01"}});
    const DataSplit split = split_rows(ts.corpus, options.split_by, options.validation_split, options.seed);
    const LinearNetwork network({ts.info.vocabulary.size(), options.ngrams, options.buckets, 4});
    Communicator one_rank;
    std::vector<float> alone;
    const auto single = train_linear(network, alone, ts.corpus, split, options, one_rank);
    const TwoRankRun two = train_on_two_ranks(network, ts.corpus, split, options);
    CHECK(two.params[0] == two.params[1]);
    const Evaluation a = single[0].validation, b = two.history[0][0].validation;
    INFO("validation accuracy: one rank " << a.accuracy << ", two ranks " << b.accuracy << "; training accuracy: "
                                          << single[0].train.accuracy << ", " << two.history[0][0].train.accuracy);
    CHECK(b.rows == a.rows);
    CHECK(std::fabs(a.accuracy - b.accuracy) <= 0.001);
    CHECK(std::fabs(single[0].train.accuracy - two.history[0][0].train.accuracy) <= 0.001);
    // The scale of the decision values comes from the training rows, which both fit almost
    // perfectly; it magnifies their small differences in the validation loss (0.14% here).
    CHECK(std::fabs(a.loss - b.loss) <= 0.003 * a.loss);
}
