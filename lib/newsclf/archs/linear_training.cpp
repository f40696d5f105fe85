// train_linear: TF-IDF features of the training and validation rows (and the direction of their
// word vectors), one-vs-rest by the dual solver, weights rounded as the file keeps them, then the
// scale of the decision values.
#include "newsclf/archs/linear_training.hpp"

#include <algorithm>
#include <cstring>
#include <chrono>

#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/base/huge_pages.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/nn/activations.hpp"
#include "newsclf/nn/linear_solver.hpp"
#include "newsclf/nn/temperature.hpp"
#include "newsclf/nn/tfidf_features.hpp"
#include "newsclf/nn/vector_direction.hpp"
#include "newsclf/training/trainer.hpp"

namespace newsclf {

namespace {

std::size_t thread_count(const FitOptions& options, std::size_t jobs) {
    return std::max<std::size_t>(1, std::min(resolve_threads(options.threads), jobs));
}

Evaluation evaluate_scores(std::vector<float> scores, float temperature, const TokenCorpus& corpus,
                           const std::vector<std::size_t>& rows) {
    softmax_rows(scores.data(), rows.size(), label_count, temperature);
    return evaluate_probabilities(scores, corpus, rows);
}

std::vector<std::int8_t> labels_of(const TokenCorpus& corpus, const std::vector<std::size_t>& rows) {
    std::vector<std::int8_t> labels(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) labels[i] = corpus.labels[rows[i]];
    return labels;
}

// Each value summed over the ranks: exact in floats below 2^24, which the caller checks.
void sum_counts(Communicator& comm, std::vector<std::uint32_t>& counts) {
    std::vector<float> buffer(counts.begin(), counts.end());
    comm.allreduce_sum(buffer.data(), buffer.size());
    for (std::size_t j = 0; j < counts.size(); ++j) counts[j] = static_cast<std::uint32_t>(buffer[j]);
}

// The reductions of the CoCoA+ solver through the communicator; the largest of doubles as the
// largest of integers that order alike (the bits of a double, its sign folded over).
RankReductions reductions_of(Communicator& comm) {
    RankReductions r;
    r.rank = comm.rank();
    r.ranks = comm.size();
    r.sum = [&comm](float* data, std::size_t n) { comm.allreduce_sum(data, n); };
    r.max = [&comm](double* data, std::size_t n) {
        constexpr std::uint64_t sign = std::uint64_t{1} << 63;
        std::vector<long long> keys(n);
        for (std::size_t i = 0; i < n; ++i) {
            std::uint64_t bits;
            std::memcpy(&bits, &data[i], sizeof bits);
            keys[i] = static_cast<long long>((bits & sign ? ~bits : bits | sign) ^ sign);
        }
        comm.allreduce_max(keys.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t key = static_cast<std::uint64_t>(keys[i]) ^ sign;
            const std::uint64_t bits = key & sign ? key ^ sign : ~key;
            std::memcpy(&data[i], &bits, sizeof bits);
        }
    };
    return r;
}

// Each row of x (those `rows` of the corpus) followed by the network's weighted vector direction
// as the features first, first + 1, ..., first + vector_dim - 1.
void append_vector_features(SparseMatrix& x, const LinearNetwork& network, const TokenCorpus& corpus,
                            const std::vector<std::size_t>& rows, std::uint32_t first, std::size_t threads) {
    const std::size_t dim = network.vector_dim(), n = x.size();
    SparseMatrix y;
    y.offsets.resize(n + 1);
    for (std::size_t i = 0; i <= n; ++i) y.offsets[i] = x.offsets[i] + i * dim;
    assign_on_huge_pages(y.entries, y.offsets[n], SparseEntry{});
    const std::size_t chunks = row_chunks(n, threads);
    parallel_for(chunks, chunks, [&](std::size_t k) {
        std::vector<float> direction(dim);
        for (std::size_t i = n * k / chunks; i < n * (k + 1) / chunks; ++i) {
            SparseEntry* out = std::copy(x.entries.data() + x.offsets[i], x.entries.data() + x.offsets[i + 1],
                                         y.entries.data() + y.offsets[i]);
            vector_direction({corpus.tokens_of(rows[i]), corpus.length(rows[i])}, *network.vectors(), direction.data());
            for (std::size_t d = 0; d < dim; ++d)
                out[d] = {first + static_cast<std::uint32_t>(d), network.vector_weight() * direction[d]};
        }
    });
    x = std::move(y);
}

}  // namespace

std::vector<EpochResult> train_linear(const LinearNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                      const DataSplit& split, const FitOptions& options, Communicator& comm) {
    require_training_rows(split);
    if (network.classes() != label_count) throw InternalError("the linear network needs 4 classes");
    const auto start = std::chrono::steady_clock::now();
    const std::size_t features = network.features(), classes = network.classes();
    const std::size_t threads = thread_count(options, classes);
    assign_on_huge_pages(params, network.parameter_count(), 0.0f);
    // This rank's shard of the training rows: all of them on one rank.
    const std::size_t ranks = comm.size(), rank = comm.rank();
    std::vector<std::size_t> shard;
    if (ranks > 1) {
        if (split.train.size() >= (std::size_t{1} << 24))
            throw DataError("--arch linear on several ranks: at most 16777215 training rows");
        for (std::size_t i = rank; i < split.train.size(); i += ranks) shard.push_back(split.train[i]);
    }
    const std::vector<std::size_t>& train_rows = ranks > 1 ? shard : split.train;
    if (ranks > 1 && linear_loss(options.loss) != LinearLoss::squared_hinge)
        throw UsageError("--loss " + options.loss + " does not train on several ranks; squared_hinge does");

    SparseMatrix train_x = count_features(network.ngrams(), corpus, train_rows, threads);
    SparseMatrix validation_x = count_features(network.ngrams(), corpus, split.validation, threads);
    // idf from the training rows (of every rank), rounded as the model file keeps it, so that
    // training sees the values prediction computes.
    std::vector<std::uint32_t> number = document_frequencies(train_x, features);
    if (ranks > 1) sum_counts(comm, number);
    float* idf = params.data() + network.idf_offset();
    for (std::size_t j = 0; j < features; ++j) idf[j] = round_to_half(smooth_idf(number[j], split.train.size()));
    // The solver's weights cover only the features the training rows have.
    const std::vector<std::uint32_t> original = renumber_by_frequency(number, split.train.size());
    counts_to_tfidf(train_x, idf, number, threads);
    counts_to_tfidf(validation_x, idf, number, threads);
    // The solver's features: the TF-IDF ones it sees, then the vector direction's.
    const std::size_t dim = network.vector_dim(), solved = original.size() + dim;
    if (dim > 0) {
        const auto first = static_cast<std::uint32_t>(original.size());
        append_vector_features(train_x, network, corpus, train_rows, first, threads);
        append_vector_features(validation_x, network, corpus, split.validation, first, threads);
    }
    log_verbose("linear: " + std::to_string(train_x.entries.size()) + " non-zero features in " +
                (ranks > 1 ? "this rank's " + std::to_string(train_x.size()) + " of " : std::string()) +
                std::to_string(split.train.size()) + " training rows, " + std::to_string(original.size()) + " of " +
                std::to_string(features) + " features used" +
                (dim > 0 ? ", and the " + std::to_string(dim) + " of the word vectors' direction" : ""));

    const std::vector<std::int8_t> train_labels = labels_of(corpus, train_rows);
    SolverSettings settings;
    settings.loss = linear_loss(options.loss);
    settings.c = options.c;
    settings.tolerance = options.tolerance;
    settings.max_passes = options.epochs;
    settings.seed = options.seed + 3;  // training.cpp draws from seed + 1 and seed + 2
    const std::vector<BinarySolution> solutions =
        ranks > 1 ? solve_one_vs_rest_cocoa(train_x, solved, train_labels, classes, settings, reductions_of(comm))
                  : solve_one_vs_rest(train_x, solved, train_labels, classes, settings, threads);
    std::size_t passes = 0;
    for (std::size_t c = 0; c < classes; ++c) {
        const BinarySolution& s = solutions[c];
        passes += s.passes;
        const std::string what = "linear: class " + std::string(label_codes[c]) + ": " + std::to_string(s.passes) +
                                 (ranks > 1 ? " rounds on " + std::to_string(ranks) + " ranks" : " passes");
        if (s.converged)
            log_verbose(what + ", converged");
        else
            log_info(what + " without reaching the tolerance " + json_number(options.tolerance) +
                     "; more --epochs or a larger --tolerance would let it finish");
    }

    // Weights as the file keeps them (f16 for the TF-IDF features, floats for the vector's), in the
    // solver's numbering too for the scores below.
    std::vector<float> compact_weights;
    assign_on_huge_pages(compact_weights, solved * classes, 0.0f);
    float* weights = params.data() + network.weights_offset();
    float* vector_weights = params.data() + network.vector_weights_offset();
    float* bias = params.data() + network.bias_offset();
    for (std::size_t k = 0; k < solved; ++k)
        for (std::size_t c = 0; c < classes; ++c) {
            const float w = solutions[c].weights[k];
            if (k < original.size()) {
                compact_weights[k * classes + c] = round_to_half(w);
                weights[static_cast<std::size_t>(original[k]) * classes + c] = round_to_half(w);
            } else {
                compact_weights[k * classes + c] = w;
                vector_weights[(k - original.size()) * classes + c] = w;
            }
        }
    for (std::size_t c = 0; c < classes; ++c) bias[c] = static_cast<float>(solutions[c].bias);

    std::vector<float> train_scores = multiply(train_x, compact_weights.data(), bias, classes);
    if (ranks > 1) {  // every training row's scores on every rank: each rank's shard in place, summed
        std::vector<float> all(split.train.size() * classes, 0.0f);
        for (std::size_t s = 0; s < shard.size(); ++s)
            std::copy_n(train_scores.data() + s * classes, classes, all.data() + (rank + s * ranks) * classes);
        comm.allreduce_sum(all.data(), all.size());
        train_scores = std::move(all);
    }
    const std::vector<float> validation_scores = multiply(validation_x, compact_weights.data(), bias, classes);
    // The scale that turns decision values into probabilities, from the training rows: part of
    // the network, as a softmax is of the others. Calibration on held-out rows comes after
    // training, the same for every arch (model/fitting.cpp).
    const float temperature = static_cast<float>(
        fit_temperature(train_scores.data(), labels_of(corpus, split.train).data(), split.train.size(), classes));
    params[network.temperature_offset()] = temperature;
    log_verbose("linear: scale " + json_number(temperature) + " of the decision values, from the training rows");

    EpochResult r;
    r.epoch = 1;
    r.epochs = 1;
    r.steps = passes;
    r.train = evaluate_scores(train_scores, temperature, corpus, split.train);
    r.validation = evaluate_scores(validation_scores, temperature, corpus, split.validation);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    check_same_weights(comm, params);
    return {r};
}

}  // namespace newsclf
