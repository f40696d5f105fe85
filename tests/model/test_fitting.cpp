// Fitting a model from token streams: the training set's split and vocabulary limit, a separate
// validation stream, unlabelled records refused, the training metadata, and the validation subset
// refused for a model whose final training took every row.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>

#include "newsclf/archs/architecture.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/evaluation.hpp"
#include "newsclf/model/fitting.hpp"

#include "sample_stream.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

FittedModel fit(const TokenStream& ts, const Settings& settings) {
    FitOptions options = fit_options(settings);
    TrainingSet set = prepare_training_set(ts, "sample", std::nullopt, "", options);
    return fit_model(set, nullptr, options, {});
}

}  // namespace

TEST_CASE("prepare_training_set: the split of the options, the vocabulary limited to max_words") {
    const TokenStream ts = sample_stream(1000);
    FitOptions options = fit_options({{"arch", "linear"}, {"validation_split", "0.2"}, {"max_words", "50"}});
    const TrainingSet set = prepare_training_set(ts, "sample", std::nullopt, "", options);
    CHECK(set.split.train.size() == 800);
    CHECK(set.split.validation.size() == 200);
    CHECK(set.tokens.info.vocabulary.size() == 49);
    for (auto id : set.tokens.corpus.tokens) CHECK(id <= 49);
}

TEST_CASE("prepare_training_set: a validation stream's rows follow the training rows and replace the split") {
    const TokenStream train = sample_stream(600);
    const TokenStream validation = sample_stream(1000);
    FitOptions options = fit_options({{"arch", "linear"}, {"validation_split", "0.2"}});
    // The same vocabulary is required: a stream tokenised on its own has another.
    CHECK(contains(message_of<DataError>([&] { prepare_training_set(train, "t", validation, "v", options); }),
                   "another vocabulary"));
    // With the training stream's own vocabulary, its rows come after the training rows.
    const TrainingSet set = prepare_training_set(train, "t", TokenStream{train.info, train.corpus, 0}, "v", options);
    CHECK(options.validation_split == 0.0);
    CHECK(set.split.train.size() == 600);
    CHECK(set.split.validation.size() == 600);
    CHECK(set.split.validation.front() == 600);
    CHECK(set.tokens.corpus.size() == 1200);
}

TEST_CASE("prepare_rank_shard: the split of every rank alike, each rank the tokens of its shard and of the validation rows") {
    const TokenStream ts = sample_stream(1000);
    const std::string bytes = token_stream_bytes(ts);
    FitOptions options = fit_options({{"arch", "mlp"}, {"validation_split", "0.2"}, {"max_words", "0"}});
    FitOptions whole_options = options;
    const TrainingSet whole = prepare_training_set(ts, "sample", std::nullopt, "", whole_options);
    std::vector<int> holders(ts.corpus.size(), 0);
    for (std::size_t rank = 0; rank < 3; ++rank) {
        FitOptions rank_options = options;
        const TrainingSet shard = prepare_rank_shard(bytes, "sample", std::nullopt, "", rank_options, rank, 3);
        CHECK(shard.split.train == whole.split.train);
        CHECK(shard.split.validation == whole.split.validation);
        CHECK(shard.tokens.checksum == parse_token_stream(bytes, "sample").checksum);
        const TokenCorpus& c = shard.tokens.corpus;
        REQUIRE(c.size() == ts.corpus.size());
        CHECK(c.labels == whole.tokens.corpus.labels);
        for (std::size_t i = 0; i < whole.split.train.size(); ++i) {
            const std::size_t r = whole.split.train[i];
            if (i % 3 == rank) {
                CHECK(std::equal(c.tokens_of(r), c.tokens_of(r) + c.length(r), whole.tokens.corpus.tokens_of(r),
                                 whole.tokens.corpus.tokens_of(r) + whole.tokens.corpus.length(r)));
                ++holders[r];
            } else {
                CHECK(c.length(r) == 0);
            }
        }
        for (std::size_t r : whole.split.validation) CHECK(c.length(r) == whole.tokens.corpus.length(r));
    }
    // Every training row's tokens on exactly one rank.
    for (std::size_t r : whole.split.train) CHECK(holders[r] == 1);
}

TEST_CASE("prepare_training_set: an unlabelled record is a DataError naming the stream and record") {
    TokenStream ts = sample_stream(100);
    ts.corpus.labels[41] = -1;
    FitOptions options = fit_options({{"arch", "linear"}});
    const std::string message = message_of<DataError>([&] { prepare_training_set(ts, "sample.tokens", std::nullopt, "", options); });
    CHECK(contains(message, "sample.tokens"));
    CHECK(contains(message, "42"));
}

TEST_CASE("fit_model: training metadata with the rows and the history, self-tests that hold") {
    const TokenStream ts = sample_stream(1000);
    const FittedModel fitted = fit(ts, {{"arch", "linear"}, {"buckets", "4096"}, {"validation_split", "0.2"}});
    CHECK(contains(fitted.model.training_json, "\"train_rows\":800"));
    CHECK(contains(fitted.model.training_json, "\"validation_rows\":200"));
    CHECK(contains(fitted.model.training_json, "\"history\":["));
    CHECK(!contains(fitted.model.training_json, "final_training"));
    CHECK(!trained_on_every_row(fitted.model));
    CHECK(fitted.model.self_tests.size() == Classifier::self_test_titles().size());
    Classifier(fitted.model).check_self_tests("fitted");
    CHECK(subset_rows(ts.corpus, "validation", fitted.model).size() == 200);
}

TEST_CASE("calibration: a temperature fit on the validation rows, recorded with the log-loss and ECE before and after") {
    const TokenStream ts = sample_stream(1000);
    const FittedModel fitted = fit(ts, {{"arch", "linear"}, {"buckets", "4096"}, {"validation_split", "0.2"}});
    const Model& m = fitted.model;
    CHECK(m.temperature > 0);
    CHECK(m.temperature != 1.0);
    CHECK(contains(m.calibration_json, "\"method\":\"temperature\""));
    CHECK(contains(m.calibration_json, "\"temperature\":" + json_number(m.temperature)));
    CHECK(contains(m.calibration_json, "\"validation_rows\":200"));
    CHECK(contains(m.calibration_json, "\"before\":{\"log_loss\":"));
    CHECK(contains(m.calibration_json, "\"after\":{\"log_loss\":"));
    // The fit minimises the validation log-loss: the calibrated model's is no higher than the network's.
    Model raw = m;
    raw.temperature = 1.0;
    const std::vector<std::size_t> rows = subset_rows(ts.corpus, "validation", m);
    const double calibrated = evaluate_rows(Classifier(m), ts.corpus, rows).log_loss();
    const double uncalibrated = evaluate_rows(Classifier(raw), ts.corpus, rows).log_loss();
    CHECK(calibrated <= uncalibrated + 1e-9);
    // Self-tests hold at the temperature.
    Classifier(m).check_self_tests("calibrated");

    // --calibrate none, and no validation rows: temperature 1.
    const FittedModel none = fit(ts, {{"arch", "linear"}, {"buckets", "4096"}, {"validation_split", "0.2"}, {"calibrate", "none"}});
    CHECK(none.model.temperature == 1.0);
    CHECK(none.model.calibration_json == R"({"method":"none","temperature":1})");
    const FittedModel unheld = fit(ts, {{"arch", "linear"}, {"buckets", "4096"}, {"validation_split", "0"}});
    CHECK(unheld.model.temperature == 1.0);
    CHECK(unheld.model.calibration_json == R"({"method":"temperature","temperature":1,"validation_rows":0})");
}

TEST_CASE("an ensemble is calibrated on its mixture's held-out probabilities") {
    const TokenStream ts = sample_stream(1000);
    const FittedModel fitted =
        fit(ts, {{"arch", "ensemble"}, {"members", "linear"}, {"buckets", "4096"}, {"validation_split", "0.2"}});
    // Its default split is by story: about a fifth of the rows, whole stories.
    CHECK(contains(fitted.model.calibration_json, "\"before\":{\"log_loss\":"));
    CHECK(!contains(fitted.model.calibration_json, "\"validation_rows\":0"));
    CHECK(fitted.model.temperature != 1.0);
    for (const auto& member : fitted.model.members) CHECK(member.calibration_json.empty());
    Classifier(fitted.model).check_self_tests("ensemble");
}

TEST_CASE("a model trained on every row in the end: its validation subset is refused, with what to do") {
    const TokenStream ts = sample_stream(1000);
    const FittedModel fitted =
        fit(ts, {{"arch", "ensemble"}, {"members", "linear"}, {"buckets", "4096"}, {"validation_split", "0.2"}});
    CHECK(contains(fitted.model.training_json, "\"final_training\":\"all_rows\""));
    CHECK(trained_on_every_row(fitted.model));
    const std::string message = message_of<UsageError>([&] { subset_rows(ts.corpus, "validation", fitted.model); });
    CHECK(contains(message, "--split-out"));
    CHECK(subset_rows(ts.corpus, "all", fitted.model).size() == 1000);
}
