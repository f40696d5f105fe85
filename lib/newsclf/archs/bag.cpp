#include "newsclf/archs/bag.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/nn/activations.hpp"
#include "newsclf/nn/initializers.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/nn/optimizers.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/training/trainer.hpp"

namespace newsclf {

namespace {

constexpr std::size_t init_block_rows = 4096;
constexpr std::size_t dense_sync = 32;

}  // namespace

BagNetwork::BagNetwork(const BagShape& shape)
    : shape_(shape),
      bag_(shape.words, shape.dim, shape.buckets, shape.ngram_dim, shape.ngrams),
      hidden_(bag_.width(), shape.hidden),
      output_(shape.hidden > 0 ? shape.hidden : bag_.width(), shape.classes) {
    use_single_threaded_blas();
    if (shape.classes != label_count) throw UsageError("the bag network has 4 classes");
    hidden_offset_ = bag_.parameter_count();
    output_offset_ = hidden_offset_ + (shape.hidden > 0 ? hidden_.parameter_count() : 0);
    parameter_count_ = output_offset_ + output_.parameter_count();
}

std::vector<ParameterBlock> BagNetwork::parameter_blocks() const {
    std::vector<ParameterBlock> blocks;
    blocks.push_back({"word_vectors", 0, {bag_.words() + 1, bag_.dim()}, Storage::f16});
    if (bag_.buckets() > 0)
        blocks.push_back({"ngram_vectors", bag_.ngram_offset(), {bag_.buckets(), bag_.ngram_dim()}, Storage::f16});
    if (shape_.hidden > 0) {
        blocks.push_back({"hidden.kernel", hidden_offset_, {hidden_.inputs(), hidden_.units()}});
        blocks.push_back({"hidden.bias", hidden_offset_ + hidden_.kernel_size(), {hidden_.units()}});
    }
    blocks.push_back({"output.kernel", output_offset_, {output_.inputs(), output_.units()}});
    blocks.push_back({"output.bias", output_offset_ + output_.kernel_size(), {output_.units()}});
    return blocks;
}

void BagNetwork::predict(const float* params, const TokenBatch& batch, float* probabilities) const {
    const std::size_t n = batch.size(), width = bag_.width(), h = shape_.hidden, classes = shape_.classes;
    std::vector<float> buffer(n * (width + h));
    // The rows of headline b + 1 are fetched while those of b are summed (see train_bag).
    EmbeddingBag::Selection rows, next;
    float* means = buffer.data();
    if (n > 0) bag_.select(batch[0], rows);
    for (std::size_t b = 0; b < n; ++b) {
        if (b + 1 < n) {
            bag_.select(batch[b + 1], next);
            bag_.prefetch(params, next);
        }
        bag_.mean(params, rows, means + b * width);
        std::swap(rows, next);
    }
    const float* x = means;
    if (h > 0) {
        float* hidden = buffer.data() + n * width;
        hidden_.forward(params + hidden_offset_, means, n, hidden);
        relu_forward(hidden, n * h);
        x = hidden;
    }
    output_.forward(params + output_offset_, x, n, probabilities);
    softmax_rows(probabilities, n, classes);
}

void BagNetwork::initialize(float* params, const Matrix* pretrained, std::uint64_t seed, std::size_t threads) const {
    const std::size_t dim = bag_.dim(), word_rows = bag_.words() + 1;
    if (pretrained && (pretrained->shape(1) != dim || pretrained->shape(0) < word_rows))
        throw UsageError("the pretrained matrix is not one row of " + std::to_string(dim) + " values per token id");
    // Blocks of rows over the word table, then over the n-gram table, each with its own generator.
    const std::size_t word_blocks = (word_rows + init_block_rows - 1) / init_block_rows;
    const std::size_t blocks = word_blocks + (bag_.buckets() + init_block_rows - 1) / init_block_rows;
    parallel_for(resolve_threads(threads), blocks, [&](std::size_t block) {
        SplitMix64 rng{seed ^ (0xD1B54A32D192ED03ull * (block + 1))};
        const bool words = block < word_blocks;
        const std::size_t width = words ? dim : bag_.ngram_dim(), first = (words ? block : block - word_blocks) * init_block_rows;
        const std::size_t end = std::min(words ? word_rows : bag_.buckets(), first + init_block_rows);
        const float limit = 1.0f / static_cast<float>(width);
        float* table = params + (words ? 0 : bag_.ngram_offset());
        for (std::size_t r = first; r < end; ++r) {
            float* row = table + r * width;
            // Every row draws, so that a pretrained row does not shift the values of the others.
            for (std::size_t d = 0; d < width; ++d) row[d] = rng.symmetric() * limit;
            if (!words) continue;
            if (r == 0) {
                std::fill(row, row + width, 0.0f);
            } else if (pretrained) {
                const float* p = pretrained->data() + r * dim;
                if (std::any_of(p, p + dim, [](float v) { return v != 0.0f; })) std::copy(p, p + dim, row);
            }
        }
    });
    std::fill(params + hidden_offset_, params + parameter_count_, 0.0f);
    if (shape_.hidden > 0) {
        // Behind a hidden layer a zero output kernel would leave the hidden layer without a gradient.
        SplitMix64 rng{seed ^ 0x6A09E667F3BCC909ull};
        auto glorot = [&](float* kernel, const Dense& layer) {
            const auto limit = static_cast<float>(glorot_limit(layer.inputs(), layer.units()));
            for (std::size_t i = 0; i < layer.kernel_size(); ++i) kernel[i] = rng.symmetric() * limit;
        };
        glorot(params + hidden_offset_, hidden_);
        glorot(params + output_offset_, output_);
    }
}

BagNetwork::Scratch BagNetwork::scratch() const {
    Scratch s;
    s.mean.resize(bag_.width());
    s.d_input.resize(bag_.width());
    s.hidden.resize(shape_.hidden);
    s.d_hidden.resize(shape_.hidden);
    return s;
}

void BagNetwork::forward(const float* params, const float* dense, Scratch& s) const {
    const int dim = static_cast<int>(bag_.width()), h = static_cast<int>(shape_.hidden), classes = static_cast<int>(shape_.classes);
    bag_.mean(params, s.rows, s.mean.data());
    const float* x = s.mean.data();
    int inputs = dim;
    if (h > 0) {
        const float* kernel = dense;
        std::copy(kernel + hidden_.kernel_size(), kernel + hidden_.parameter_count(), s.hidden.begin());
        cblas_sgemv(CblasRowMajor, CblasTrans, dim, h, 1.0f, kernel, h, x, 1, 1.0f, s.hidden.data(), 1);
        relu_forward(s.hidden.data(), s.hidden.size());
        x = s.hidden.data();
        inputs = h;
    }
    const float* kernel = dense + (output_offset_ - hidden_offset_);
    std::copy(kernel + output_.kernel_size(), kernel + output_.parameter_count(), s.probabilities.begin());
    cblas_sgemv(CblasRowMajor, CblasTrans, inputs, classes, 1.0f, kernel, classes, x, 1, 1.0f, s.probabilities.data(), 1);
    softmax_rows(s.probabilities.data(), 1, shape_.classes);
}

double BagNetwork::loss(const float* params, TokenSpan tokens, int label, Scratch& s) const {
    bag_.select(tokens, s.rows);
    forward(params, params + hidden_offset_, s);
    return -std::log(static_cast<double>(s.probabilities[static_cast<std::size_t>(label)]));
}

double BagNetwork::sgd_step(float* params, TokenSpan tokens, int label, float lr, Scratch& s) const {
    bag_.select(tokens, s.rows);
    return sgd_step_rows(params, params + hidden_offset_, label, lr, s);
}

double BagNetwork::sgd_step_rows(float* params, float* dense, int label, float lr, Scratch& s) const {
    forward(params, dense, s);
    const double loss_before = -std::log(static_cast<double>(s.probabilities[static_cast<std::size_t>(label)]));
    const int dim = static_cast<int>(bag_.width()), h = static_cast<int>(shape_.hidden), classes = static_cast<int>(shape_.classes);
    for (int c = 0; c < classes; ++c) s.d_logits[c] = s.probabilities[c] - (c == label ? 1.0f : 0.0f);
    // Output layer: the gradient of its input first, with the kernel before its step. The kernel
    // is inputs x 4: OpenBLAS's rank-1 update would be one axpy of 4 values per input, so the step
    // is a loop the compiler vectorises.
    float* kernel = dense + (output_offset_ - hidden_offset_);
    const float* x = h > 0 ? s.hidden.data() : s.mean.data();
    float* d_x = h > 0 ? s.d_hidden.data() : s.d_input.data();
    const int inputs = h > 0 ? h : dim;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, inputs, classes, 1.0f, kernel, classes, s.d_logits.data(), 1, 0.0f, d_x, 1);
    float step[4];
    for (int c = 0; c < 4; ++c) step[c] = -lr * s.d_logits[c];
    for (int i = 0; i < inputs; ++i)
        for (int c = 0; c < 4; ++c) kernel[i * 4 + c] += x[i] * step[c];
    float* bias = kernel + output_.kernel_size();
    for (int c = 0; c < 4; ++c) bias[c] += step[c];
    if (h > 0) {
        relu_backward(s.hidden.data(), s.d_hidden.data(), s.d_hidden.size());
        float* hidden_kernel = dense;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, dim, h, 1.0f, hidden_kernel, h, s.d_hidden.data(), 1, 0.0f,
                    s.d_input.data(), 1);
        cblas_sger(CblasRowMajor, dim, h, -lr, s.mean.data(), 1, s.d_hidden.data(), 1, hidden_kernel, h);
        float* hidden_bias = hidden_kernel + hidden_.kernel_size();
        for (int u = 0; u < h; ++u) hidden_bias[u] -= lr * s.d_hidden[u];
    }
    if (s.rows.count() > 0) bag_.add_to_rows(params, s.rows, s.d_input.data(), -lr / static_cast<float>(s.rows.count()));
    return loss_before;
}

std::vector<EpochResult> train_bag(const BagNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                   const DataSplit& split, const FitOptions& options,
                                   const std::function<void(const EpochResult&)>& on_epoch, Communicator& ranks) {
    require_training_rows(split);
    const std::size_t rank = ranks.rank(), size = ranks.size();
    std::vector<std::size_t> shard;
    for (std::size_t i = rank; i < split.train.size(); i += size) shard.push_back(split.train[i]);
    const std::size_t n_threads = std::max<std::size_t>(1, std::min(resolve_threads(options.threads), shard.size()));
    log_verbose("bag: " + std::to_string(shard.size()) + " training rows on " + std::to_string(n_threads) + " threads" +
                (size > 1 ? " on each of " + std::to_string(size) + " ranks" : ""));
    // Each thread its own share of the rows (every n-th, so that a file in story or date order is
    // spread over them) and its own generator for the order within it.
    std::vector<std::vector<std::size_t>> shares(n_threads);
    for (std::size_t i = 0; i < shard.size(); ++i) shares[i % n_threads].push_back(shard[i]);
    std::vector<PythonRandom> order_rngs;
    for (std::size_t t = 0; t < n_threads; ++t) order_rngs.emplace_back(options.seed + 1 + t);
    // The rounds of an epoch, the same number on every rank (that of the largest shard): the
    // ranks average their parameters after each.
    const std::size_t largest_shard = (split.train.size() + size - 1) / size;
    const std::size_t rounds = size > 1 ? std::max<std::size_t>(1, (largest_shard + options.average_every - 1) / options.average_every) : 1;
    if (size > 1) ranks.broadcast(params.data(), params.size(), 0);
    // Local SGD: each rank steps alone on its rows, then the ranks' parameters are averaged. Two
    // ranks averaged make the progress of one on half the rows, so the learning rate is times the
    // ranks (scale_lr, on by the bag's defaults), as in Horovod's advice for its averaged gradients.
    auto average = [&] {
        ranks.allreduce_sum(params.data(), params.size());
        const float mean = 1.0f / static_cast<float>(size);
        for (float& v : params) v *= mean;
    };
    const LrSchedule schedule = lr_schedule(options.lr_schedule);
    const double base_lr = learning_rate_on(options, size);
    struct Tally {
        double loss = 0;
        std::size_t hits = 0, seen = 0;
    };
    EpochLoop epochs(network, corpus, split, options, on_epoch);
    float* p = params.data();
    const std::size_t dense_offset = network.dense_offset(), dense_size = network.parameter_count() - dense_offset;
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        ProgressBar bar = epochs.begin(epoch, shares[0].size());
        std::vector<Tally> tallies(n_threads);
        for (std::size_t t = 0; t < n_threads; ++t) order_rngs[t].shuffle(shares[t]);
        for (std::size_t round = 0; round < rounds; ++round) {
            run_workers(n_threads, [&](std::size_t t) {
                const std::vector<std::size_t>& share = shares[t];
                const std::size_t first = share.size() * round / rounds, end = share.size() * (round + 1) / rounds;
                BagNetwork::Scratch s = network.scratch();
                EmbeddingBag::Selection next_rows;
                // With several threads, each steps a copy of the dense layers and adds its change to
                // the shared ones every dense_sync steps: the few cache lines that every step writes
                // would otherwise bounce between the cores at every step.
                float* shared_dense = p + dense_offset;
                std::vector<float> local, base;
                if (n_threads > 1) {
                    local.assign(shared_dense, shared_dense + dense_size);
                    base = local;
                }
                float* dense = n_threads > 1 ? local.data() : shared_dense;
                auto sync = [&] {
                    if (n_threads == 1) return;
                    for (std::size_t i = 0; i < dense_size; ++i) {
                        shared_dense[i] += local[i] - base[i];
                        base[i] = local[i] = shared_dense[i];
                    }
                };
                Tally& tally = tallies[t];
                const std::size_t steps = share.size() * options.epochs;
                std::size_t step = (epoch - 1) * share.size() + first;
                const EmbeddingBag& bag = network.bag();
                auto select = [&](std::size_t k, EmbeddingBag::Selection& rows) {
                    const std::size_t r = share[k];
                    bag.select({corpus.tokens_of(r), corpus.length(r)}, rows);
                };
                if (first < end) select(first, s.rows);
                for (std::size_t k = first; k < end; ++k, ++step) {
                    const std::size_t r = share[k];
                    // The next headline's rows are fetched while this one computes: the step is bound
                    // by memory latency, the rows being scattered over a table of tens of megabytes.
                    if (k + 2 < end) __builtin_prefetch(corpus.tokens_of(share[k + 2]));
                    if (k + 1 < end) {
                        select(k + 1, next_rows);
                        bag.prefetch(p, next_rows);
                    }
                    const int label = corpus.labels[r];
                    const auto lr = static_cast<float>(scheduled_learning_rate(schedule, base_lr, step, steps));
                    tally.loss += network.sgd_step_rows(p, dense, label, lr, s);
                    if ((k + 1) % dense_sync == 0) sync();
                    tally.hits += static_cast<std::size_t>(std::max_element(s.probabilities.begin(), s.probabilities.end()) -
                                                           s.probabilities.begin()) == static_cast<std::size_t>(label);
                    ++tally.seen;
                    if (t == 0 && ((k & 4095) == 0 || k + 1 == share.size()))
                        bar.update(k + 1, running_figures(tally.loss / static_cast<double>(tally.seen),
                                                          static_cast<double>(tally.hits) / static_cast<double>(tally.seen)));
                    std::swap(s.rows, next_rows);
                }
                sync();
            });
            if (size > 1) average();
        }
        bar.finish();
        EpochResult r;
        r.steps = split.train.size();
        r.train.rows = split.train.size();
        double loss = 0, hits = 0;
        for (const auto& t : tallies) {
            loss += t.loss;
            hits += static_cast<double>(t.hits);
        }
        if (size > 1) {  // over every rank's rows
            float sums[2] = {static_cast<float>(loss), static_cast<float>(hits)};
            ranks.allreduce_sum(sums, 2);
            loss = sums[0];
            hits = sums[1];
        }
        if (!std::isfinite(loss)) throw_diverged(loss, epoch, split.train.size());
        r.train.loss = loss / static_cast<double>(r.train.rows);
        r.train.accuracy = hits / static_cast<double>(r.train.rows);
        if (epochs.end(r, params)) break;
    }
    std::vector<EpochResult> history = epochs.finish(params);
    check_same_weights(ranks, params);
    return history;
}

namespace {

BagShape bag_shape(const Model& m) {
    BagShape s;
    s.words = m.vocabulary.size();
    s.dim = m.options.dim;
    s.buckets = m.options.buckets;
    s.ngram_dim = m.options.ngram_dim;
    s.ngrams = m.options.ngrams;
    s.hidden = m.options.bag_hidden;
    s.classes = label_count;
    return s;
}

}  // namespace

Architecture bag_architecture() {
    Architecture a;
    a.name = "bag";
    a.help = "fastText's classifier: mean of word and hashed word n-gram vectors (initialised from --embedding when "
             "given), linear softmax; SGD one headline at a time over threads";
    // Measured on the benchmark's row and story splits with GloVe-100 (see newsclf-fit(1)).
    a.defaults = {{"max_words", "0"},      {"epochs", "5"},       {"optimizer", "sgd"},
                  {"learning_rate", "0.4"}, {"lr_schedule", "linear"}, {"ngrams", "3"},
                  {"buckets", "1048576"},   {"ngram_dim", "16"},   {"threads", "0"},
                  {"validation_split", "0"}, {"scale_lr", "1"}};
    a.needs_pretrained = false;
    a.activations_per_row = [](const FitOptions& o, double dim) {  // one headline's sum and hidden layer a thread
        return 2 * (dim + static_cast<double>(o.ngram_dim) + static_cast<double>(o.bag_hidden));
    };
    a.network = [](const Model& m) -> std::unique_ptr<Network> { return std::make_unique<BagNetwork>(bag_shape(m)); };
    a.train = [](Model& m, const TrainingData& data) {
        if (optimizer_kind(m.options.optimizer.name) != OptimizerKind::sgd || m.options.optimizer.momentum != 0.0)
            throw UsageError("--arch bag trains by plain SGD, as fastText does: leave optimizer at sgd and momentum at 0");
        if (data.pretrained) m.options.dim = data.pretrained->shape(1);
        BagNetwork network(bag_shape(m));
        m.parameters.resize(network.parameter_count());
        network.initialize(m.parameters.data(), data.pretrained, m.options.seed, m.options.threads);
        return train_bag(network, m.parameters, data.corpus, data.split, m.options, data.on_epoch, *data.ranks);
    };
    return a;
}

}  // namespace newsclf
