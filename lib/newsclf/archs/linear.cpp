// The linear arch's network (decision values, probabilities at the fitted temperature) and its entry in
// the architecture table.
#include "newsclf/archs/linear.hpp"

#include <algorithm>
#include <cmath>

#include "newsclf/base/error.hpp"
#include "newsclf/base/prefetch.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/nn/activations.hpp"
#include "newsclf/nn/vector_direction.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/linear_training.hpp"

namespace newsclf {

LinearNetwork::LinearNetwork(const LinearShape& shape, const Matrix* vectors)
    : ngrams_(shape.vocabulary, shape.ngrams, shape.buckets),
      classes_(shape.classes),
      vector_dim_(shape.vector_dim),
      vector_weight_(shape.vector_weight),
      vectors_(vectors) {
    if (classes_ < 2) throw UsageError("a linear model needs at least 2 classes");
    if (vector_dim_ > 0 && (!vectors_ || vectors_->shape(1) != vector_dim_))
        throw InternalError("a linear network with word vectors needs them");
    if (shape.buckets > (std::size_t{1} << 26))
        throw UsageError("buckets: at most 2^26 (67108864) for --arch linear, a model file of 700 MB already");
}

std::vector<ParameterBlock> LinearNetwork::parameter_blocks() const {
    std::vector<ParameterBlock> blocks;
    blocks.push_back({"weights", weights_offset(), {features(), classes_}, Storage::f16});
    blocks.push_back({"bias", bias_offset(), {classes_}});
    blocks.push_back({"idf", idf_offset(), {features()}, Storage::f16});
    blocks.push_back({"temperature", temperature_offset(), {1}});
    if (vector_dim_ > 0) blocks.push_back({"vector_weights", vector_weights_offset(), {vector_dim_, classes_}});
    return blocks;
}

void LinearNetwork::decision_values(const float* params, const TokenBatch& batch, float* scores) const {
    const float* weights = params + weights_offset();
    const float* bias = params + bias_offset();
    const float* idf = params + idf_offset();
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> counts, next;
    std::vector<float> sums(classes_), direction(vector_dim_);
    const float* vector_weights = params + vector_weights_offset();
    scratch.reserve(256);
    counts.reserve(256);
    next.reserve(256);
    // The rows lie anywhere in tables of tens of megabytes: those of headline b + 1 are asked for
    // while those of b are summed (the sums themselves, in the same order, are unchanged).
    auto count_and_prefetch = [&](std::size_t b, std::vector<FeatureCount>& out) {
        ngrams_.count(batch[b], scratch, out);
        for (const FeatureCount& f : out) {
            prefetch(weights + static_cast<std::size_t>(f.index) * classes_);
            prefetch(idf + f.index);
        }
        if (vector_dim_ > 0) prefetch_vector_rows(batch[b], *vectors_);
    };
    if (batch.size() > 0) count_and_prefetch(0, next);
    for (std::size_t b = 0; b < batch.size(); ++b) {
        std::swap(counts, next);
        if (b + 1 < batch.size()) count_and_prefetch(b + 1, next);
        std::fill(sums.begin(), sums.end(), 0.0f);
        float norm = 0;
        for (const FeatureCount& f : counts) {
            const float tf = sublinear_tf(f.count);
            const float v = tf * idf[f.index];
            if (v == 0) continue;
            norm += v * v;
            const float* row = weights + static_cast<std::size_t>(f.index) * classes_;
            for (std::size_t c = 0; c < classes_; ++c) sums[c] += v * row[c];
        }
        const float scale = norm > 0 ? 1.0f / std::sqrt(norm) : 0.0f;
        for (std::size_t c = 0; c < classes_; ++c) scores[b * classes_ + c] = sums[c] * scale + bias[c];
        if (vector_dim_ == 0) continue;
        vector_direction(batch[b], *vectors_, direction.data());
        for (std::size_t d = 0; d < vector_dim_; ++d) {
            const float v = vector_weight_ * direction[d];
            for (std::size_t c = 0; c < classes_; ++c) scores[b * classes_ + c] += v * vector_weights[d * classes_ + c];
        }
    }
}

void LinearNetwork::predict(const float* params, const TokenBatch& batch, float* probabilities) const {
    decision_values(params, batch, probabilities);
    softmax_rows(probabilities, batch.size(), classes_, params[temperature_offset()]);
}

namespace {

LinearShape linear_shape(const Model& m) {
    LinearShape shape;
    shape.vocabulary = m.vocabulary.size();
    shape.ngrams = m.options.ngrams;
    shape.buckets = m.options.buckets;
    shape.classes = label_count;
    if (m.embedding.size() > 0) {
        shape.vector_dim = m.embedding.shape(1);
        shape.vector_weight = static_cast<float>(m.options.vector_weight);
    }
    return shape;
}

}  // namespace

Architecture linear_architecture() {
    Architecture a;
    a.name = "linear";
    a.help = "TF-IDF of word n-grams (hashed beyond single words) and a linear SVM or logistic regression per class, as "
             "scikit-learn's TfidfVectorizer + LinearSVC";
    a.defaults = {{"max_words", "0"},        {"ngrams", "2"}, {"buckets", "2097152"}, {"c", "0.7"},
                  {"tolerance", "0.5"},      {"epochs", "1000"}, {"validation_split", "0"}};
    a.needs_pretrained = false;
    a.activations_per_row = [](const FitOptions&, double) { return 0.0; };  // the features are data, not activations
    a.network = [](const Model& m) -> std::unique_ptr<Network> {
        return std::make_unique<LinearNetwork>(linear_shape(m), &m.embedding);
    };
    a.train = [](Model& m, const TrainingData& data) {
        if (data.pretrained && m.options.vector_weight > 0) m.embedding = *data.pretrained;
        LinearNetwork network(linear_shape(m), &m.embedding);
        auto history = train_linear(network, m.parameters, data.corpus, data.split, m.options, *data.ranks);
        if (data.on_epoch)
            for (const auto& e : history) data.on_epoch(e);
        return history;
    };
    return a;
}

}  // namespace newsclf
