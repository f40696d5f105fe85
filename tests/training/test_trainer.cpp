// Training on a small synthetic corpus: it learns, it is reproducible bit for bit, evaluation agrees
// with prediction, and the epoch bookkeeping the trainers share.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/archs/cnn.hpp"
#include "newsclf/archs/mlp.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/training/trainer.hpp"
#include "fake_ranks.hpp"
#include "test_support.hpp"

using namespace newsclf;
using newsclf::test::FakeRank;
using newsclf::test::TwoRanks;
using newsclf::test::row_numbers;

namespace {

// A network's weights as its initialisation draws them from `seed`.
std::vector<float> initial_weights(const TrainableNetwork& network, std::uint64_t seed) {
    std::vector<float> params(network.parameter_count());
    PythonRandom rng(seed);
    network.initialize(params.data(), rng);
    return params;
}

// Four classes told apart by their key words: class c owns tokens 1 + 10c .. 10 + 10c; tokens
// 41..59 are filler, and 0 and 50..59 have no vector. Each headline has two or three key words
// among its last max_len tokens and is sometimes longer than max_len.
struct Synthetic {
    static constexpr std::size_t vocab = 60, dim = 8, max_len = 10;
    Matrix embedding = xt::zeros<float>({vocab, dim});
    TokenCorpus corpus;

    explicit Synthetic(std::size_t n, std::uint64_t seed = 5) {
        PythonRandom rng(seed);
        // Like the words of a topic in GloVe, a class's key words lie near one another: a class
        // direction plus noise. Filler words are noise only.
        Matrix centre = xt::zeros<float>({std::size_t(4), dim});
        for (auto& v : centre) v = static_cast<float>(2.0 * rng.random() - 1.0);
        for (std::size_t r = 1; r < 50; ++r)
            for (std::size_t d = 0; d < dim; ++d) {
                const float noise = static_cast<float>(rng.random() - 0.5);
                embedding(r, d) = r <= 40 ? centre((r - 1) / 10, d) + noise : noise;
            }
        for (std::size_t i = 0; i < n; ++i) {
            const int label = static_cast<int>(rng.randbelow(4));
            const std::size_t length = 3 + rng.randbelow(12);
            std::vector<std::uint32_t> tokens(length);
            for (auto& t : tokens) t = static_cast<std::uint32_t>(41 + rng.randbelow(19));
            const std::size_t window = std::min(length, max_len), keys = 2 + rng.randbelow(2);
            for (std::size_t k = 0; k < keys; ++k)
                tokens[length - 1 - rng.randbelow(window)] = static_cast<std::uint32_t>(1 + 10 * label + rng.randbelow(10));
            corpus.add(label, "r" + std::to_string(i), "s" + std::to_string(i / 3), tokens);
        }
    }
    MlpShape shape() const {
        MlpShape s;
        s.max_len = max_len;
        s.hidden_units = 8;
        return s;
    }
    // A cnn small enough for these rows: 4 filters, 4 hidden units.
    static CnnShape small_cnn_shape() {
        CnnShape s;
        s.max_len = max_len;
        s.filters = 4;
        s.hidden_units = 4;
        return s;
    }
    static FitOptions options(std::uint64_t seed) {
        FitOptions o;
        o.epochs = 6;
        o.max_len = max_len;
        o.hidden_units = 8;
        o.optimizer.learning_rate = 0.01;
        o.seed = seed;
        return o;
    }
};

struct Trained {
    std::vector<float> initial, params;
    std::vector<EpochResult> history;
};

Trained train(const Synthetic& data, const MlpNetwork& network, std::uint64_t seed) {
    set_verbosity(0);
    const FitOptions options = Synthetic::options(seed);
    Trained t;
    t.params.resize(network.parameter_count());
    PythonRandom rng(seed);
    network.initialize(t.params.data(), rng);
    t.initial = t.params;
    const DataSplit split = split_rows(data.corpus, options.split_by, options.validation_split, options.seed);
    t.history = train_network(network, t.params, data.corpus, split, options, nullptr);
    return t;
}

}  // namespace

TEST_CASE("train_network learns the synthetic corpus, and its loss falls") {
    const Synthetic data(1000);
    const MlpNetwork network(&data.embedding, data.shape());
    std::vector<std::size_t> epochs_seen;
    set_verbosity(0);
    const FitOptions options = Synthetic::options(99);
    std::vector<float> params = initial_weights(network, 99);
    const DataSplit split = split_rows(data.corpus, "row", 0.2, 99);
    const Evaluation before = evaluate_rows(network, params.data(), data.corpus, split.validation);
    const auto history = train_network(network, params, data.corpus, split, options,
                                       [&](const EpochResult& e) { epochs_seen.push_back(e.epoch); });
    CHECK(epochs_seen == std::vector<std::size_t>{1, 2, 3, 4, 5, 6});
    REQUIRE(history.size() == 6);
    const Evaluation after = evaluate_rows(network, params.data(), data.corpus, split.validation);
    INFO("validation loss " << before.loss << " -> " << after.loss << ", accuracy " << before.accuracy << " -> "
                            << after.accuracy);
    CHECK(after.accuracy >= 0.9);
    CHECK(history.back().train.accuracy >= 0.9);
    CHECK(before.accuracy < 0.5);
    CHECK(after.loss < 0.5 * before.loss);
    for (std::size_t e = 1; e < history.size(); ++e) CHECK(history[e].train.loss < history[e - 1].train.loss);
    CHECK(history.back().validation.rows == 200);
    CHECK(history.back().train.rows == 800);
    CHECK(history.back().steps == 25);  // ceil(800 / 32)
    CHECK(history.back().validation.loss == doctest::Approx(after.loss).epsilon(1e-12));
    CHECK(history.back().validation.accuracy == after.accuracy);
}

TEST_CASE("train_network is reproducible bit for bit, and the seed matters") {
    const Synthetic data(400);
    const MlpNetwork network(&data.embedding, data.shape());
    const Trained a = train(data, network, 99), b = train(data, network, 99), c = train(data, network, 7);
    CHECK(a.params != a.initial);
    CHECK(a.params == b.params);  // float ==: identical bits (no NaNs here)
    CHECK(a.history.back().train.loss == b.history.back().train.loss);
    CHECK(a.params != c.params);

    // The batch order alone changes the result: same initial weights and split, another seed.
    FitOptions options = Synthetic::options(99);
    const DataSplit split = split_rows(data.corpus, "row", 0.2, 99);
    std::vector<float> p = a.initial;
    options.seed = 8;
    train_network(network, p, data.corpus, split, options, nullptr);
    CHECK(p != a.params);
}

TEST_CASE("train_network refuses an empty training set") {
    const Synthetic data(10);
    const MlpNetwork network(&data.embedding, data.shape());
    std::vector<float> params(network.parameter_count(), 0.0f);
    DataSplit split;
    split.validation = row_numbers(10);
    CHECK_THROWS_AS(train_network(network, params, data.corpus, split, Synthetic::options(1), nullptr), DataError);
}

TEST_CASE("train_network stops with a DataError the moment the loss is not a finite number") {
    const Synthetic data(100);
    const MlpNetwork network(&data.embedding, data.shape());
    std::vector<float> params = initial_weights(network, 4);
    const ParameterBlock bias = network.parameter_blocks().back();  // every row's logits go through it
    std::fill_n(params.begin() + static_cast<std::ptrdiff_t>(bias.offset), bias.size(), std::numeric_limits<float>::quiet_NaN());
    const DataSplit split = split_rows(data.corpus, "row", 0.2, 99);
    CHECK_THROWS_WITH_AS(train_network(network, params, data.corpus, split, Synthetic::options(1), nullptr),
                         doctest::Contains("training diverged: the loss became NaN in epoch 1, step 1"), DataError);
}

TEST_CASE("evaluate_rows and predict_rows agree, across several prediction batches") {
    const Synthetic data(700);  // more than one batch of 256
    const MlpNetwork network(&data.embedding, data.shape());
    std::vector<float> params = initial_weights(network, 4);
    const std::vector<std::size_t> rows = row_numbers(data.corpus.size());
    const std::vector<float> p = predict_rows(network, params.data(), data.corpus, rows);
    REQUIRE(p.size() == rows.size() * 4);
    double loss = 0;
    std::size_t hits = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const float* q = p.data() + r * 4;
        CHECK(q[0] + q[1] + q[2] + q[3] == doctest::Approx(1.0).epsilon(1e-5));
        const std::size_t best = static_cast<std::size_t>(std::max_element(q, q + 4) - q);
        const auto label = static_cast<std::size_t>(data.corpus.labels[r]);
        hits += best == label;
        loss -= std::log(std::clamp(static_cast<double>(q[label]), 1e-7, 1.0 - 1e-7));
    }
    const Evaluation e = evaluate_rows(network, params.data(), data.corpus, rows);
    CHECK(e.rows == rows.size());
    CHECK(e.accuracy == doctest::Approx(static_cast<double>(hits) / static_cast<double>(rows.size())));
    CHECK(e.loss == doctest::Approx(loss / static_cast<double>(rows.size())).epsilon(1e-6));

    // Rows are predicted in the order asked for.
    std::vector<std::size_t> reversed(rows.rbegin(), rows.rend());
    const std::vector<float> q = predict_rows(network, params.data(), data.corpus, reversed);
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < 4; ++c) CHECK(q[(rows.size() - 1 - r) * 4 + c] == p[r * 4 + c]);

    // On several threads, the batches shared among them: the same numbers in the same places.
    for (std::size_t threads : {2, 3}) {
        CAPTURE(threads);
        CHECK(predict_rows(network, params.data(), data.corpus, reversed, threads) == q);
        const Evaluation several = evaluate_rows(network, params.data(), data.corpus, rows, threads);
        CHECK(several.loss == e.loss);
        CHECK(several.accuracy == e.accuracy);
    }

    CHECK(evaluate_rows(network, params.data(), data.corpus, {}).rows == 0);
}

TEST_CASE("EpochLoop completes each epoch's result, calls on_epoch, stops early and restores the best weights") {
    const Synthetic data(200);
    const MlpNetwork network(&data.embedding, data.shape());
    std::vector<float> params = initial_weights(network, 3);
    const DataSplit split = split_rows(data.corpus, "row", 0.25, 3);
    FitOptions options = Synthetic::options(3);
    options.epochs = 10;
    options.patience = 2;
    set_verbosity(0);
    std::vector<EpochResult> seen;
    EpochLoop epochs(network, data.corpus, split, options, [&](const EpochResult& e) { seen.push_back(e); });
    // Epoch 1 keeps the initial weights; epochs 2 and 3 make the model worse (the same random
    // predictions, far more confident): patience 2 stops at epoch 3.
    const std::vector<float> initial = params;
    const double initial_loss = evaluate_rows(network, params.data(), data.corpus, split.validation).loss;
    std::size_t last = 0;
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        ProgressBar bar = epochs.begin(epoch, 1);
        bar.finish();
        for (std::size_t i = 0; i < params.size(); ++i) params[i] = initial[i] * (epoch > 1 ? 20.0f : 1.0f);
        EpochResult r;
        r.steps = 7;
        r.train.rows = split.train.size();
        last = epoch;
        if (epochs.end(r, params)) break;
    }
    CHECK(last == 3);
    REQUIRE(seen.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(seen[i].epoch == i + 1);
        CHECK(seen[i].epochs == 10);
        CHECK(seen[i].steps == 7);
        CHECK(seen[i].validation.rows == split.validation.size());
        CHECK(seen[i].seconds >= 0.0);
    }
    CHECK(seen[0].validation.loss == doctest::Approx(initial_loss).epsilon(1e-12));
    CHECK(seen[1].validation.loss > seen[0].validation.loss);
    CHECK(seen[2].validation.loss == seen[1].validation.loss);
    const std::vector<EpochResult> history = epochs.finish(params);
    CHECK(history.size() == 3);
    CHECK(params == initial);  // the weights of epoch 1
}

TEST_CASE("running_figures: the progress bar's loss and accuracy") {
    CHECK(running_figures(0.61324, 0.77) == "- loss: 0.6132 - acc: 0.7700");
}

namespace {

// train_network on two fake ranks, each from its own copy of `initial` (rank 1's is spoilt, so
// that the broadcast of rank 0's shows); returns each rank's weights.
std::vector<std::vector<float>> train_on_two_ranks(const TrainableNetwork& network, const std::vector<float>& initial,
                                                   const TokenCorpus& corpus, const DataSplit& split,
                                                   const FitOptions& options) {
    TwoRanks shared;
    std::vector<std::vector<float>> params{initial, std::vector<float>(initial.size(), 0.5f)};
    // Both ranks at once (they meet in each collective); the first rank's exception is thrown here.
    run_workers(2, [&](std::size_t r) {
        FakeRank comm(shared, r);
        train_network(network, params[r], corpus, split, options, nullptr, comm);
    });
    return params;
}

}  // namespace

TEST_CASE("train_network on two ranks with batches of B is one rank's training with batches of 2B") {
    // One step an epoch (each rank's shard is one batch), so that the batch order cannot matter:
    // the mean gradient of the 2B rows is the mean of the two ranks' means of B rows.
    set_verbosity(0);
    const Synthetic data(100);
    const MlpNetwork network(&data.embedding, data.shape());
    FitOptions options = Synthetic::options(99);
    options.epochs = 5;
    const DataSplit split = split_rows(data.corpus, "row", 0.2, 99);
    REQUIRE(split.train.size() == 80);
    std::vector<float> initial = initial_weights(network, 99);

    std::vector<float> one = initial;
    options.batch_size = 80;
    train_network(network, one, data.corpus, split, options, nullptr);
    options.batch_size = 40;
    const auto two = train_on_two_ranks(network, initial, data.corpus, split, options);
    REQUIRE(one != initial);
    CHECK(two[0] == two[1]);
    double largest = 0;
    for (std::size_t i = 0; i < one.size(); ++i) largest = std::max(largest, std::fabs(double(one[i]) - two[0][i]));
    INFO("largest difference " << largest);
    CHECK(largest <= 1e-5);

    // scale_lr doubles the learning rate on two ranks: another result.
    options.scale_lr = true;
    CHECK(train_on_two_ranks(network, initial, data.corpus, split, options)[0] != two[0]);
}

TEST_CASE("train_network on two ranks refuses ranks that end with different weights") {
    set_verbosity(0);
    const Synthetic data(100);
    const MlpNetwork network(&data.embedding, data.shape());
    FitOptions options = Synthetic::options(99);
    options.epochs = 1;
    const DataSplit split = split_rows(data.corpus, "row", 0.2, 99);
    std::vector<float> initial = initial_weights(network, 99);
    ::setenv("NEWSCLF_TEST_PERTURB_RANK", "1", 1);
    CHECK_THROWS_WITH_AS(train_on_two_ranks(network, initial, data.corpus, split, options),
                         doctest::Contains("ranks ended training with different weights"), InternalError);
    ::unsetenv("NEWSCLF_TEST_PERTURB_RANK");
    CHECK_NOTHROW(train_on_two_ranks(network, initial, data.corpus, split, options));
}

TEST_CASE("train_network on two ranks reduces a trained embedding's rows, the union of the rows each touched") {
    // The cnn with its embedding trained: the buffer's row-sparse tail, updated where a batch of
    // either rank touched it.
    set_verbosity(0);
    const Synthetic data(100);
    const CnnNetwork network(&data.embedding, data.small_cnn_shape(), true);
    REQUIRE(network.sparse_rows().width == Synthetic::dim);
    FitOptions options = Synthetic::options(99);
    options.epochs = 3;
    const DataSplit split = split_rows(data.corpus, "row", 0.2, 99);
    std::vector<float> initial = initial_weights(network, 99);

    std::vector<float> one = initial;
    options.batch_size = 80;
    train_network(network, one, data.corpus, split, options, nullptr);
    options.batch_size = 40;
    const auto two = train_on_two_ranks(network, initial, data.corpus, split, options);
    const std::size_t begin = network.sparse_rows().begin;
    REQUIRE(!std::equal(one.begin() + begin, one.end(), initial.begin() + begin));  // the embedding moved
    CHECK(two[0] == two[1]);
    double largest = 0;
    for (std::size_t i = 0; i < one.size(); ++i) largest = std::max(largest, std::fabs(double(one[i]) - two[0][i]));
    INFO("largest difference " << largest);
    CHECK(largest <= 1e-5);
}

TEST_CASE("a batch cut into shards: the same model whatever the threads, the gradient of the whole batch") {
    // Batches of 1,000 rows are cut into three shards (one per 256 rows); the cnn's trained
    // embedding is its row-sparse tail, the mlp has none.
    set_verbosity(0);
    const Synthetic data(1250);
    const CnnNetwork cnn(&data.embedding, data.small_cnn_shape(), true);
    const MlpNetwork mlp(&data.embedding, data.shape());
    const DataSplit split = split_rows(data.corpus, "row", 0.2, 99);
    REQUIRE(split.train.size() == 1000);
    for (const TrainableNetwork* network : {static_cast<const TrainableNetwork*>(&cnn), static_cast<const TrainableNetwork*>(&mlp)}) {
        CAPTURE(network == &cnn ? "cnn" : "mlp");
        const std::vector<float> initial = initial_weights(*network, 99);
        FitOptions options = Synthetic::options(99);
        options.epochs = 3;
        options.batch_size = 1000;
        options.dropout = 0.3;
        auto trained = [&](std::size_t threads) {
            options.threads = threads;
            std::vector<float> params = initial;
            train_network(*network, params, data.corpus, split, options, nullptr);
            return params;
        };
        // With dropout, each shard drawing from a generator of its own: bit for bit the same
        // model on one, two or three threads.
        const std::vector<float> one = trained(1);
        REQUIRE(one != initial);
        CHECK(trained(2) == one);
        CHECK(trained(3) == one);
        // Without dropout, one step an epoch: the three shards' gradients add up to the batch's,
        // as two ranks' halves of it (one shard each) do.
        options.dropout = 0.0;
        const std::vector<float> whole = trained(2);
        options.batch_size = 500;
        const auto halves = train_on_two_ranks(*network, initial, data.corpus, split, options);
        double largest = 0;
        for (std::size_t i = 0; i < whole.size(); ++i) largest = std::max(largest, std::fabs(double(whole[i]) - halves[0][i]));
        INFO("largest difference " << largest);
        CHECK(largest <= 1e-5);
    }
}
