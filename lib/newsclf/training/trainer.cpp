#include "newsclf/training/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"
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

// values[0, n) = 0, on `threads` threads for a buffer of megabytes (a trained embedding's gradient).
void zero(float* values, std::size_t n, std::size_t threads) {
    parallel_ranges(threads, n, 1 << 18, [&](std::size_t from, std::size_t to) { std::fill(values + from, values + to, 0.0f); });
}

// A batch is cut into one shard per this many rows (at least one shard): the shards are a
// function of the batch size alone, so the model does not depend on the number of threads. The
// default batches of the cnn and the lstm (512 rows) make two shards; the workshop's 32 one, a
// step too short for threads to pay (about 25 microseconds).
constexpr std::size_t rows_per_shard = 256;

// One training step's forward and backward passes, its batch cut into shards of contiguous rows
// that run on up to `threads` threads: each with a workspace, a dropout generator and (but for
// shard 0, which writes into the step's buffer) a gradient buffer of its own; the buffers are
// then added in shard order. The same model whatever the number of threads, and one shard is the
// plain step.
class BatchStep {
public:
    BatchStep(const TrainableNetwork& network, std::size_t shards, std::size_t threads, std::size_t n_params,
              const Dropout& dropout, std::uint64_t shard_seed, std::uint64_t shard_seed_stride)
        : network_(network), sparse_(network.sparse_rows()), threads_(threads),
          dense_end_(sparse_.width > 0 ? sparse_.begin : n_params) {
        shards_.resize(shards);
        for (std::size_t t = 0; t < shards; ++t) {
            Shard& shard = shards_[t];
            shard.workspace = network.workspace();
            if (t == 0) {
                shard.dropout = dropout;
                continue;
            }
            shard.grads.assign(n_params, 0.0f);
            shard.rng = std::make_unique<PythonRandom>(shard_seed + shard_seed_stride * t);
            shard.dropout = {dropout.rate, shard.rng.get()};
        }
    }

    struct Result {
        double loss = 0;
        std::size_t hits = 0;
    };
    // Forward and backward over rows [begin, end) of `order`, the gradient added into grads (zero
    // before) and the touched rows of a sparse tail left in `touched`, ascending, each once.
    Result run(const float* params, const TokenCorpus& corpus, const std::vector<std::size_t>& order, std::size_t begin,
               std::size_t end, std::size_t epoch, std::size_t step, float* grads, std::vector<std::uint32_t>& touched) {
        const std::size_t n = end - begin, count = shards_.size();
        parallel_for(threads_, count, [&](std::size_t t) {
            Shard& shard = shards_[t];
            const std::size_t from = begin + n * t / count, to = begin + n * (t + 1) / count;
            shard.loss = 0;
            shard.hits = 0;
            shard.workspace->touched_rows.clear();
            if (to == from) return;
            TokenBatch batch = gather(corpus, order, from, to, shard.labels);
            shard.loss = network_.forward(params, batch, shard.labels.data(), *shard.workspace, &shard.dropout);
            if (!std::isfinite(shard.loss)) return;
            shard.hits = correct(shard.workspace->probabilities, shard.labels, label_count);
            network_.backward(params, batch, shard.labels.data(), n, *shard.workspace, t == 0 ? grads : shard.grads.data());
        });
        Result r;
        for (const Shard& shard : shards_) {
            if (!std::isfinite(shard.loss)) throw_diverged(shard.loss, epoch, step + 1);
            r.loss += shard.loss;
            r.hits += shard.hits;
        }
        add_shard_gradients(grads, touched);
        return r;
    }

private:
    struct Shard {
        std::unique_ptr<Workspace> workspace;
        std::vector<std::int8_t> labels;
        std::vector<float> grads;  // shards after the first; zero between steps
        std::unique_ptr<PythonRandom> rng;
        Dropout dropout{0.0f, nullptr};
        double loss = 0;
        std::size_t hits = 0;
    };

    // grads += each later shard's gradient, in shard order (the dense part split among the
    // threads by ranges); those buffers zeroed again.
    void add_shard_gradients(float* grads, std::vector<std::uint32_t>& touched) {
        touched.clear();
        if (sparse_.width > 0) touched = shards_[0].workspace->touched_rows;
        if (shards_.size() == 1) return;
        parallel_ranges(threads_, dense_end_, 16384, [&](std::size_t from, std::size_t to) {
            for (std::size_t t = 1; t < shards_.size(); ++t) {
                float* g = shards_[t].grads.data();
                for (std::size_t i = from; i < to; ++i) grads[i] += g[i];
                std::fill(g + from, g + to, 0.0f);
            }
        });
        if (sparse_.width == 0) return;
        for (std::size_t t = 1; t < shards_.size(); ++t) {
            float* g = shards_[t].grads.data();
            for (std::uint32_t row : shards_[t].workspace->touched_rows) {
                const std::size_t at = sparse_.begin + static_cast<std::size_t>(row) * sparse_.width;
                for (std::size_t i = at; i < at + sparse_.width; ++i) grads[i] += g[i];
                std::fill(g + at, g + at + sparse_.width, 0.0f);
            }
            const auto& rows = shards_[t].workspace->touched_rows;
            touched.insert(touched.end(), rows.begin(), rows.end());
        }
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    }

    const TrainableNetwork& network_;
    const SparseRows sparse_;
    const std::size_t threads_, dense_end_;
    std::vector<Shard> shards_;
};

}  // namespace

std::vector<float> predict_rows(const Network& network, const float* params, const TokenCorpus& corpus,
                                const std::vector<std::size_t>& rows, std::size_t threads) {
    std::vector<float> out(rows.size() * label_count);
    parallel_ranges(resolve_threads(threads), rows.size(), prediction_batch, [&](std::size_t begin, std::size_t end) {
        std::vector<std::int8_t> labels;
        TokenBatch batch = gather(corpus, rows, begin, end, labels);
        network.predict(params, batch, out.data() + begin * label_count);
    });
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
                         const std::vector<std::size_t>& rows, std::size_t threads) {
    return evaluate_probabilities(predict_rows(network, params, corpus, rows, threads), corpus, rows);
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
    : network_(network), corpus_(corpus), validation_(split.validation), epochs_(options.epochs),
      threads_(options.threads), on_epoch_(on_epoch),
      early_stopping_(options.patience) {}

ProgressBar EpochLoop::begin(std::size_t epoch, std::size_t steps) {
    epoch_ = epoch;
    start_ = std::chrono::steady_clock::now();
    return ProgressBar(steps, "Epoch " + std::to_string(epoch) + "/" + std::to_string(epochs_) + " ", "steps");
}

bool EpochLoop::end(EpochResult r, const std::vector<float>& params) {
    r.epoch = epoch_;
    r.epochs = epochs_;
    r.validation = evaluate_rows(network_, params.data(), corpus_, validation_, threads_);
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
    std::vector<std::uint32_t> touched;
    const std::size_t batch_size = options.batch_size;
    const std::size_t threads = resolve_threads(options.threads);
    const std::size_t shards = std::max<std::size_t>(1, batch_size / rows_per_shard);
    BatchStep batch_step(network, shards, threads, n_params, dropout, options.seed + 2 + rank, ranks);
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
            zero(grads.data(), dense_end, threads);
            touched.clear();
            if (end > begin) {
                const BatchStep::Result r =
                    batch_step.run(params.data(), corpus, order, begin, end, epoch, step, grads.data(), touched);
                loss_sum += r.loss;
                hits += r.hits;
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
            optimizer->step(params.data(), grads.data(), dense_end, threads);
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
