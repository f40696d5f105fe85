#include "newsclf/training/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/nn/optimizers.hpp"

namespace newsclf {

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

std::vector<float> predict_rows(const Network& network, const float* params, const TokenCorpus& corpus,
                                const std::vector<std::size_t>& rows) {
    std::vector<float> out(rows.size() * label_count);
    std::vector<std::int8_t> labels;
    for (std::size_t begin = 0; begin < rows.size(); begin += prediction_batch) {
        std::size_t end = std::min(rows.size(), begin + prediction_batch);
        TokenBatch batch = gather(corpus, rows, begin, end, labels);
        network.predict(params, batch, out.data() + begin * label_count);
    }
    return out;
}

Evaluation evaluate_probabilities(const std::vector<float>& probabilities, const TokenCorpus& corpus,
                                  const std::vector<std::size_t>& rows) {
    Evaluation e;
    double loss = 0;
    std::size_t hits = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const float* p = probabilities.data() + i * label_count;
        const int label = corpus.labels[rows[i]];
        if (label < 0) continue;
        loss -= std::log(static_cast<double>(std::clamp(p[label], 1e-7f, 1.0f - 1e-7f)));
        hits += static_cast<std::size_t>(label) == static_cast<std::size_t>(std::max_element(p, p + label_count) - p);
    }
    e.rows = rows.size();
    if (e.rows > 0) {
        e.loss = loss / static_cast<double>(e.rows);
        e.accuracy = static_cast<double>(hits) / static_cast<double>(e.rows);
    }
    return e;
}

Evaluation evaluate_rows(const Network& network, const float* params, const TokenCorpus& corpus,
                         const std::vector<std::size_t>& rows) {
    return evaluate_probabilities(predict_rows(network, params, corpus, rows), corpus, rows);
}

bool EarlyStopping::should_stop(const EpochResult& r, const std::vector<float>& params) {
    if (patience_ == 0 || r.validation.rows == 0) return false;
    if (best_params_.empty() || r.validation.loss < best_loss_) {
        best_loss_ = r.validation.loss;
        best_params_ = params;
        epochs_without_improvement_ = 0;
        return false;
    }
    return ++epochs_without_improvement_ >= patience_;
}

void EarlyStopping::restore(std::vector<float>& params) {
    if (!best_params_.empty()) params = std::move(best_params_);
}

EpochLoop::EpochLoop(const Network& network, const TokenCorpus& corpus, const DataSplit& split, const FitOptions& options,
                     const std::function<void(const EpochResult&)>& on_epoch)
    : network_(network), corpus_(corpus), validation_(split.validation), epochs_(options.epochs), on_epoch_(on_epoch),
      early_stopping_(options.patience) {}

ProgressBar EpochLoop::begin(std::size_t epoch, std::size_t steps) {
    epoch_ = epoch;
    start_ = std::chrono::steady_clock::now();
    return ProgressBar(steps, "Epoch " + std::to_string(epoch) + "/" + std::to_string(epochs_) + " ");
}

bool EpochLoop::end(EpochResult r, const std::vector<float>& params) {
    r.epoch = epoch_;
    r.epochs = epochs_;
    r.validation = evaluate_rows(network_, params.data(), corpus_, validation_);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    history_.push_back(r);
    if (on_epoch_) on_epoch_(r);
    return early_stopping_.should_stop(r, params);
}

std::vector<EpochResult> EpochLoop::finish(std::vector<float>& params) {
    early_stopping_.restore(params);
    return std::move(history_);
}

std::string running_figures(double loss, double accuracy) {
    char text[64];
    std::snprintf(text, sizeof text, "- loss: %.4f - acc: %.4f", loss, accuracy);
    return text;
}

std::vector<EpochResult> train_network(const TrainableNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                       const DataSplit& split, const FitOptions& options,
                                       const std::function<void(const EpochResult&)>& on_epoch) {
    if (split.train.empty()) throw DataError("no training rows: the input is empty or everything went to validation");
    const std::size_t n_params = network.parameter_count();
    // A row-sparse tail (a trained embedding) is zeroed and updated only where a batch touched it.
    const SparseRows sparse = network.sparse_rows();
    const std::size_t dense_end = sparse.width > 0 ? sparse.begin : n_params;
    std::vector<float> grads(n_params);
    auto optimizer = make_optimizer(options.optimizer, n_params);
    const LrSchedule schedule = lr_schedule(options.lr_schedule);
    // Batch order: a generator of its own, so the split and the initial weights do not shift it.
    PythonRandom order_rng(options.seed + 1);
    PythonRandom dropout_rng(options.seed + 2);
    const Dropout dropout{static_cast<float>(options.dropout), &dropout_rng};
    std::vector<std::size_t> order = split.train;
    auto workspace = network.workspace();
    Workspace& ws = *workspace;
    std::vector<std::int8_t> labels;
    const std::size_t batch_size = options.batch_size;
    const std::size_t steps = (order.size() + batch_size - 1) / batch_size;
    EpochLoop epochs(network, corpus, split, options, on_epoch);
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        ProgressBar bar = epochs.begin(epoch, steps);
        order_rng.shuffle(order);
        double loss_sum = 0;
        std::size_t hits = 0;
        for (std::size_t step = 0; step < steps; ++step) {
            std::size_t begin = step * batch_size, end = std::min(order.size(), begin + batch_size);
            TokenBatch batch = gather(corpus, order, begin, end, labels);
            std::fill(grads.begin(), grads.begin() + static_cast<std::ptrdiff_t>(dense_end), 0.0f);
            loss_sum += network.forward(params.data(), batch, labels.data(), ws, &dropout);
            hits += correct(ws.probabilities, labels, label_count);
            network.backward(params.data(), batch, labels.data(), batch.size(), ws, grads.data());
            if (schedule != LrSchedule::constant)
                optimizer->set_learning_rate(scheduled_learning_rate(schedule, options.optimizer.learning_rate,
                                                                     (epoch - 1) * steps + step, options.epochs * steps));
            optimizer->step(params.data(), grads.data(), dense_end);
            if (sparse.width > 0) {
                optimizer->step_rows(params.data(), grads.data(), sparse.begin, sparse.width, ws.touched_rows.data(),
                                     ws.touched_rows.size());
                for (std::uint32_t r : ws.touched_rows)
                    std::fill_n(grads.begin() + static_cast<std::ptrdiff_t>(sparse.begin + r * sparse.width), sparse.width, 0.0f);
            }
            if ((step & 63) == 0 || step + 1 == steps)
                bar.update(step + 1, running_figures(loss_sum / end, static_cast<double>(hits) / end));
        }
        bar.finish();
        EpochResult r;
        r.steps = steps;
        r.train.rows = order.size();
        r.train.loss = loss_sum / static_cast<double>(order.size());
        r.train.accuracy = static_cast<double>(hits) / static_cast<double>(order.size());
        if (epochs.end(r, params)) break;
    }
    return epochs.finish(params);
}

}  // namespace newsclf
