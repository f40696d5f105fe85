#include "newsclf/training/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

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
    return ProgressBar(steps, "Epoch " + std::to_string(epoch) + "/" + std::to_string(epochs_) + " ", "steps");
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

void throw_diverged(double loss, std::size_t epoch, std::size_t step) {
    throw DataError("training diverged: the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
                    " in epoch " + std::to_string(epoch) + ", step " + std::to_string(step) +
                    "; a lower --learning-rate may keep it finite, or the word vectors hold values too large");
}

std::string running_figures(double loss, double accuracy) {
    char text[64];
    std::snprintf(text, sizeof text, "- loss: %.4f - acc: %.4f", loss, accuracy);
    return text;
}

std::vector<EpochResult> train_network(const TrainableNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                       const DataSplit& split, const FitOptions& options,
                                       const std::function<void(const EpochResult&)>& on_epoch) {
    return train_network(network, params, corpus, split, options, on_epoch, world());
}

std::vector<EpochResult> train_network(const TrainableNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                       const DataSplit& split, const FitOptions& options,
                                       const std::function<void(const EpochResult&)>& on_epoch, Communicator& comm) {
    require_training_rows(split);
    const std::size_t n_params = network.parameter_count();
    const std::size_t ranks = comm.size(), rank = comm.rank();
    // A row-sparse tail (a trained embedding) is zeroed and updated only where a batch touched it.
    const SparseRows sparse = network.sparse_rows();
    const std::size_t dense_end = sparse.width > 0 ? sparse.begin : n_params;
    const std::size_t sparse_rows = sparse.width > 0 ? (n_params - sparse.begin) / sparse.width : 0;
    // With several ranks the buffer ends with one flag a sparse row, 1 where this rank's batch
    // touched it: the one allreduce then also gives the union of the ranks' touched rows.
    const std::size_t flags = ranks > 1 ? sparse_rows : 0;
    std::vector<float> grads(n_params + flags);
    OptimizerSettings optimizer_settings = options.optimizer;
    optimizer_settings.learning_rate = learning_rate_on(options, ranks);
    auto optimizer = make_optimizer(optimizer_settings, n_params);
    const LrSchedule schedule = lr_schedule(options.lr_schedule);
    // Every rank starts from rank 0's weights (the same seed gives the same ones; this makes sure).
    if (ranks > 1) comm.broadcast(params.data(), params.size(), 0);
    // Batch order: a generator of its own, so the split and the initial weights do not shift it.
    PythonRandom order_rng(options.seed + 1);
    PythonRandom dropout_rng(options.seed + 2 + rank);
    const Dropout dropout{static_cast<float>(options.dropout), &dropout_rng};
    // This rank's shard: the training rows i with i mod ranks == rank, of a split every rank made alike.
    std::vector<std::size_t> order;
    for (std::size_t i = rank; i < split.train.size(); i += ranks) order.push_back(split.train[i]);
    auto workspace = network.workspace();
    Workspace& ws = *workspace;
    std::vector<std::int8_t> labels;
    std::vector<std::uint32_t> touched;
    const std::size_t batch_size = options.batch_size;
    // As many steps on every rank, those of the largest shard (rank 0's): a rank whose shard is
    // one row shorter may have an empty last batch, and then adds zeros to the allreduce.
    const std::size_t largest_shard = (split.train.size() + ranks - 1) / ranks;
    const std::size_t steps = (largest_shard + batch_size - 1) / batch_size;
    EpochLoop epochs(network, corpus, split, options, on_epoch);
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        ProgressBar bar = epochs.begin(epoch, steps);
        order_rng.shuffle(order);
        double loss_sum = 0;
        std::size_t hits = 0, seen = 0;
        for (std::size_t step = 0; step < steps; ++step) {
            std::size_t begin = std::min(order.size(), step * batch_size), end = std::min(order.size(), begin + batch_size);
            std::fill(grads.begin(), grads.begin() + static_cast<std::ptrdiff_t>(dense_end), 0.0f);
            touched.clear();
            if (end > begin) {
                TokenBatch batch = gather(corpus, order, begin, end, labels);
                const double batch_loss = network.forward(params.data(), batch, labels.data(), ws, &dropout);
                if (!std::isfinite(batch_loss)) throw_diverged(batch_loss, epoch, step + 1);
                loss_sum += batch_loss;
                hits += correct(ws.probabilities, labels, label_count);
                network.backward(params.data(), batch, labels.data(), batch.size(), ws, grads.data());
                if (sparse.width > 0) touched = ws.touched_rows;
            }
            seen = end;
            if (ranks > 1) {
                for (std::uint32_t r : touched) grads[n_params + r] = 1.0f;
                comm.allreduce_sum(grads.data(), grads.size());
                const float scale = 1.0f / static_cast<float>(ranks);
                for (std::size_t i = 0; i < n_params; ++i) grads[i] *= scale;
                touched.clear();
                for (std::size_t r = 0; r < flags; ++r)
                    if (grads[n_params + r] != 0.0f) {
                        touched.push_back(static_cast<std::uint32_t>(r));
                        grads[n_params + r] = 0.0f;
                    }
            }
            if (schedule != LrSchedule::constant)
                optimizer->set_learning_rate(scheduled_learning_rate(schedule, optimizer_settings.learning_rate,
                                                                     (epoch - 1) * steps + step, options.epochs * steps));
            optimizer->step(params.data(), grads.data(), dense_end);
            if (sparse.width > 0) {
                optimizer->step_rows(params.data(), grads.data(), sparse.begin, sparse.width, touched.data(), touched.size());
                for (std::uint32_t r : touched)
                    std::fill_n(grads.begin() + static_cast<std::ptrdiff_t>(sparse.begin + r * sparse.width), sparse.width, 0.0f);
            }
            if (((step & 63) == 0 || step + 1 == steps) && seen > 0)
                bar.update(step + 1, running_figures(loss_sum / seen, static_cast<double>(hits) / seen));
        }
        bar.finish();
        EpochResult r;
        r.steps = steps;
        r.train.rows = order.size();
        r.train.loss = loss_sum / static_cast<double>(order.size());
        r.train.accuracy = static_cast<double>(hits) / static_cast<double>(order.size());
        if (epochs.end(r, params)) break;
    }
    std::vector<EpochResult> history = epochs.finish(params);
    // Test only: NEWSCLF_TEST_PERTURB_RANK=R changes one weight on rank R, so that the tests see
    // the check below refuse ranks that disagree.
    if (const char* perturbed = std::getenv("NEWSCLF_TEST_PERTURB_RANK"))
        if (ranks > 1 && std::to_string(rank) == perturbed) params[0] += 1.0f;
    check_same_weights(comm, params);
    return history;
}

}  // namespace newsclf
