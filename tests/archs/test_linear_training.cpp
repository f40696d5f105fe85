// train_linear on a small corpus whose class shows in its words: idf as the file keeps it, weights
// in half precision, the temperature from the validation rows, the same model whatever the
// threads, and no training rows refused.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/archs/linear_training.hpp"

using namespace newsclf;

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

}  // namespace

TEST_CASE("train_linear: idf and weights as the file keeps them, a fitted temperature, any threads alike") {
    set_verbosity(0);
    const TokenCorpus corpus = leaning_corpus(400);
    DataSplit split;
    for (std::size_t r = 0; r < 400; ++r) (r % 5 == 0 ? split.validation : split.train).push_back(r);
    const LinearNetwork network({40, 2, 64, 4});
    std::vector<float> params;
    const auto history = train_linear(network, params, corpus, split, options_with(1));
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
    train_linear(network, again, corpus, split, options_with(3));
    CHECK(again == params);
}

TEST_CASE("train_linear refuses an empty training set") {
    const TokenCorpus corpus = leaning_corpus(8);
    DataSplit split;
    for (std::size_t r = 0; r < 8; ++r) split.validation.push_back(r);
    const LinearNetwork network({40, 2, 64, 4});
    std::vector<float> params;
    CHECK_THROWS_AS(train_linear(network, params, corpus, split, options_with(1)), DataError);
}
