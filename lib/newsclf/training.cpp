#include "newsclf/training.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "newsclf/error.hpp"
#include "newsclf/log.hpp"
#include "newsclf/md5.hpp"
#include "newsclf/optimizers.hpp"

namespace newsclf {

DataSplit split_rows(const TokenCorpus& corpus, const std::string& split_by, double fraction, std::uint64_t seed) {
    DataSplit split;
    const std::size_t n = corpus.size();
    if (fraction <= 0.0) {
        split.train.resize(n);
        for (std::size_t i = 0; i < n; ++i) split.train[i] = i;
        return split;
    }
    if (split_by == "row") {
        std::vector<std::size_t> order(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = i;
        PythonRandom(seed).shuffle(order);
        std::size_t train_count = static_cast<std::size_t>(std::floor(static_cast<double>(n) * (1.0 - fraction)));
        std::vector<bool> is_train(n, false);
        for (std::size_t i = 0; i < train_count; ++i) is_train[order[i]] = true;
        for (std::size_t i = 0; i < n; ++i) (is_train[i] ? split.train : split.validation).push_back(i);
        return split;
    }
    if (split_by != "story") throw UsageError("split_by: \"" + split_by + "\" is not one of row, story");
    const double inverse = 1.0 / fraction;
    const auto k = static_cast<std::uint64_t>(std::llround(inverse));
    const bool divisor_rule = std::fabs(inverse - static_cast<double>(k)) < 1e-9;
    for (std::size_t i = 0; i < n; ++i) {
        std::string key = corpus.stories[i];
        if (key.empty()) key = corpus.ids[i].empty() ? "#" + std::to_string(i + 1) : "#" + corpus.ids[i];
        bool validation = divisor_rule ? md5_mod(key, k) == 0
                                       : static_cast<double>(md5_mod(key, 1000000)) < fraction * 1e6;
        (validation ? split.validation : split.train).push_back(i);
    }
    return split;
}

std::vector<std::size_t> subset_rows(const TokenCorpus& corpus, const std::string& subset, const FitOptions& options) {
    if (subset == "all") {
        std::vector<std::size_t> rows(corpus.size());
        for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
        return rows;
    }
    if (options.validation_split <= 0.0)
        throw UsageError("the model was trained without a validation split (validation_split 0, or a --validation "
                         "file), so it has no " + subset + " subset to make again: evaluate that file, with --subset all");
    DataSplit split = split_rows(corpus, options.split_by, options.validation_split, options.seed);
    if (subset == "train") return split.train;
    if (subset == "validation") return split.validation;
    throw UsageError("unknown subset \"" + subset + "\": expected all, train or validation");
}

std::string epoch_line(const EpochResult& e) {
    char buf[256];
    int n = std::snprintf(buf, sizeof buf, "Epoch %zu/%zu - %zu/%zu steps - %.2fs - loss: %.4f - acc: %.4f", e.epoch,
                          e.epochs, e.steps, e.steps, e.seconds, e.train.loss, e.train.accuracy);
    if (e.validation.rows > 0)
        std::snprintf(buf + n, sizeof buf - n, " - val_loss: %.4f - val_acc: %.4f", e.validation.loss, e.validation.accuracy);
    return buf;
}

namespace {

constexpr std::size_t prediction_batch = 256;

TokenBatch gather(const TokenCorpus& corpus, const std::vector<std::size_t>& rows, std::size_t begin, std::size_t end,
                  std::vector<std::int8_t>& labels) {
    TokenBatch batch(end - begin);
    labels.resize(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
        std::size_t r = rows[i];
        batch[i - begin] = {corpus.tokens_of(r), corpus.length(r)};
        labels[i - begin] = corpus.labels[r];
    }
    return batch;
}

std::size_t correct(const std::vector<float>& probabilities, const std::vector<std::int8_t>& labels, std::size_t classes) {
    std::size_t hits = 0;
    for (std::size_t b = 0; b < labels.size(); ++b) {
        const float* p = probabilities.data() + b * classes;
        std::size_t best = 0;
        for (std::size_t c = 1; c < classes; ++c)
            if (p[c] > p[best]) best = c;
        hits += labels[b] >= 0 && static_cast<std::size_t>(labels[b]) == best;
    }
    return hits;
}

}  // namespace

std::vector<float> predict_rows(const MlpNetwork& network, const float* params, const TokenCorpus& corpus,
                                const std::vector<std::size_t>& rows) {
    const std::size_t classes = network.shape().classes;
    std::vector<float> out(rows.size() * classes);
    MlpNetwork::Workspace ws;
    std::vector<std::int8_t> labels;
    for (std::size_t begin = 0; begin < rows.size(); begin += prediction_batch) {
        std::size_t end = std::min(rows.size(), begin + prediction_batch);
        TokenBatch batch = gather(corpus, rows, begin, end, labels);
        network.forward(params, batch, nullptr, ws);
        std::copy(ws.probabilities.begin(), ws.probabilities.end(), out.begin() + begin * classes);
    }
    return out;
}

Evaluation evaluate_rows(const MlpNetwork& network, const float* params, const TokenCorpus& corpus,
                         const std::vector<std::size_t>& rows) {
    Evaluation e;
    MlpNetwork::Workspace ws;
    std::vector<std::int8_t> labels;
    double loss = 0;
    std::size_t hits = 0;
    for (std::size_t begin = 0; begin < rows.size(); begin += prediction_batch) {
        std::size_t end = std::min(rows.size(), begin + prediction_batch);
        TokenBatch batch = gather(corpus, rows, begin, end, labels);
        loss += network.forward(params, batch, labels.data(), ws);
        hits += correct(ws.probabilities, labels, network.shape().classes);
    }
    e.rows = rows.size();
    if (e.rows > 0) {
        e.loss = loss / static_cast<double>(e.rows);
        e.accuracy = static_cast<double>(hits) / static_cast<double>(e.rows);
    }
    return e;
}

std::vector<EpochResult> train_network(const MlpNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                       const DataSplit& split, const FitOptions& options,
                                       const std::function<void(const EpochResult&)>& on_epoch) {
    if (split.train.empty()) throw DataError("no training rows: the input is empty or everything went to validation");
    const std::size_t n_params = network.parameter_count();
    std::vector<float> grads(n_params);
    auto optimizer = make_optimizer(options.optimizer, n_params);
    // Batch order: a generator of its own, so the split and the initial weights do not shift it.
    PythonRandom order_rng(options.seed + 1);
    PythonRandom dropout_rng(options.seed + 2);
    const MlpNetwork::Dropout dropout{static_cast<float>(options.dropout), &dropout_rng};
    std::vector<std::size_t> order = split.train;
    MlpNetwork::Workspace ws;
    std::vector<std::int8_t> labels;
    std::vector<EpochResult> history;
    const std::size_t batch_size = options.batch_size;
    const std::size_t steps = (order.size() + batch_size - 1) / batch_size;
    // Early stopping, as Keras's EarlyStopping(monitor="val_loss", restore_best_weights=True).
    std::vector<float> best_params;
    double best_loss = 0;
    std::size_t epochs_without_improvement = 0;
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        auto start = std::chrono::steady_clock::now();
        order_rng.shuffle(order);
        ProgressBar bar(steps, "Epoch " + std::to_string(epoch) + "/" + std::to_string(options.epochs) + " ");
        double loss_sum = 0;
        std::size_t hits = 0;
        for (std::size_t step = 0; step < steps; ++step) {
            std::size_t begin = step * batch_size, end = std::min(order.size(), begin + batch_size);
            TokenBatch batch = gather(corpus, order, begin, end, labels);
            std::fill(grads.begin(), grads.end(), 0.0f);
            loss_sum += network.forward(params.data(), batch, labels.data(), ws, &dropout);
            hits += correct(ws.probabilities, labels, network.shape().classes);
            network.backward(params.data(), batch, labels.data(), batch.size(), ws, grads.data());
            optimizer->step(params.data(), grads.data(), n_params);
            if ((step & 63) == 0 || step + 1 == steps) {
                char suffix[64];
                std::snprintf(suffix, sizeof suffix, "- loss: %.4f - acc: %.4f", loss_sum / end,
                              static_cast<double>(hits) / end);
                bar.update(step + 1, suffix);
            }
        }
        bar.finish();
        EpochResult r;
        r.epoch = epoch;
        r.epochs = options.epochs;
        r.steps = steps;
        r.train.rows = order.size();
        r.train.loss = loss_sum / static_cast<double>(order.size());
        r.train.accuracy = static_cast<double>(hits) / static_cast<double>(order.size());
        r.validation = evaluate_rows(network, params.data(), corpus, split.validation);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        history.push_back(r);
        if (on_epoch) on_epoch(r);
        if (options.patience == 0 || r.validation.rows == 0) continue;
        if (best_params.empty() || r.validation.loss < best_loss) {
            best_loss = r.validation.loss;
            best_params = params;
            epochs_without_improvement = 0;
        } else if (++epochs_without_improvement >= options.patience) {
            break;
        }
    }
    if (!best_params.empty()) params = std::move(best_params);
    return history;
}

}  // namespace newsclf
