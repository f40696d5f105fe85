// --arch linear: a sparse linear classifier over TF-IDF word n-gram features (tfidf_ngrams.hpp)
// and, with word vectors, the direction of the headline's mean vector (vector_direction.hpp),
// one binary problem per class (linear_solver.hpp, trained by linear_training.hpp), with
// probabilities a softmax of the decision values times a temperature fitted on held-out rows.
#pragma once
#include <cstddef>
#include <vector>

#include "newsclf/base/tensor.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/nn/tfidf_ngrams.hpp"

namespace newsclf {

struct LinearShape {
    std::size_t vocabulary = 0;
    std::size_t ngrams = 2;
    std::size_t buckets = 1u << 20;
    std::size_t classes = 4;
    std::size_t vector_dim = 0;  // width of the word vectors; 0: TF-IDF features alone
    float vector_weight = 0;     // the vector direction's weight beside the L2-normalised TF-IDF values
};

// Parameters, in this order: weights [features, classes] (f16), bias [classes], idf [features]
// (f16), temperature [1], and with word vectors vector_weights [vector_dim, classes]. The word
// vectors themselves are the model's frozen embedding.
class LinearNetwork : public Network {
public:
    // vectors: the word vectors by token id when shape.vector_dim > 0 (kept by pointer).
    explicit LinearNetwork(const LinearShape& shape, const Matrix* vectors = nullptr);
    const TfidfNgrams& ngrams() const { return ngrams_; }
    std::size_t features() const { return ngrams_.features(); }
    std::size_t classes() const { return classes_; }
    std::size_t weights_offset() const { return 0; }
    std::size_t bias_offset() const { return features() * classes_; }
    std::size_t idf_offset() const { return bias_offset() + classes_; }
    std::size_t temperature_offset() const { return idf_offset() + features(); }
    std::size_t vector_weights_offset() const { return temperature_offset() + 1; }
    std::size_t vector_dim() const { return vector_dim_; }
    float vector_weight() const { return vector_weight_; }
    const Matrix* vectors() const { return vectors_; }
    std::vector<ParameterBlock> parameter_blocks() const override;
    // softmax(temperature * decision values).
    void predict(const float* params, const TokenBatch& batch, float* probabilities) const override;
    // w_c . x + b_c of each headline and class (batch x classes), x the L2-normalised TF-IDF values
    // followed by vector_weight times the vector direction.
    void decision_values(const float* params, const TokenBatch& batch, float* scores) const;

private:
    TfidfNgrams ngrams_;
    std::size_t classes_, vector_dim_;
    float vector_weight_;
    const Matrix* vectors_;
};

struct Architecture;
Architecture linear_architecture();

}  // namespace newsclf
