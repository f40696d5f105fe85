// The workshop's alternative network: frozen GloVe Embedding, Dropout, LSTM(return_sequences) x
// (layers - 1), LSTM, Dense(4, softmax). Each headline runs over its own tokens only (as a Keras
// Embedding with mask_zero=True would), not over the front padding. Parameters live in one flat
// buffer: each LSTM layer's kernel, recurrent kernel and bias, then the Dense kernel and bias.
#pragma once
#include <cstdint>
#include <vector>

#include "newsclf/nn/dense.hpp"
#include "newsclf/nn/lstm.hpp"
#include "newsclf/nn/packed_sequences.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/base/tensor.hpp"

namespace newsclf {

struct LstmShape {
    std::size_t max_len = 40;
    std::size_t units = 32;
    std::size_t layers = 3;
    std::size_t classes = 4;
    bool train_embedding = false;  // a trained change to every word vector, after the Dense layer
};

class LstmNetwork : public TrainableNetwork {
public:
    LstmNetwork(const Matrix* embedding, const LstmShape& shape);
    std::size_t parameter_count() const { return parameter_count_; }
    const LstmShape& shape() const { return shape_; }
    std::vector<ParameterBlock> parameter_blocks() const override;
    // Keras's initialisers: Glorot-uniform kernels, orthogonal recurrent kernels, zero biases
    // except the forget gate's 1 (unit_forget_bias).
    void initialize(float* params, PythonRandom& rng) const override;

    struct Workspace : newsclf::Workspace {
        PackedSequences packed;
        std::vector<float> input;  // entries x embedding columns, after dropout
        std::vector<float> mask;   // with a trainable embedding and dropout: 0 or 1 / (1 - rate) per input value
        std::vector<float> d_input;
        std::vector<Lstm::State> states;
        std::vector<float> last_by_slot, last;  // the top layer's final h, by slot and by batch row
        std::vector<float> d_logits, d_last, d_last_by_slot, d_hidden, d_below;
    };
    std::unique_ptr<newsclf::Workspace> workspace() const override { return std::make_unique<Workspace>(); }
    // Dropout, when given, applies to the embedded input (Keras's Dropout after the Embedding).
    double forward(const float* params, const TokenBatch& batch, const std::int8_t* labels, newsclf::Workspace& ws,
                   const Dropout* dropout = nullptr) const override;
    void backward(const float* params, const TokenBatch& batch, const std::int8_t* labels, std::size_t count,
                  newsclf::Workspace& ws, float* grads) const override;
    // As TrainableNetwork's, with one workspace per thread kept between calls: zeroing a fresh
    // one for every batch took a tenth of newsclf-predict's time.
    void predict(const float* params, const TokenBatch& batch, float* probabilities) const override;

private:
    const Matrix* embedding_;
    LstmShape shape_;
    std::vector<Lstm> layers_;
    Dense output_;
    std::vector<std::size_t> offsets_;  // of each LSTM layer, then of the Dense layer, then of the embedding change
    std::size_t parameter_count_;
};

struct Architecture;
// --arch lstm: the network above over a frozen pretrained embedding, trained by train_network.
Architecture lstm_architecture();

}  // namespace newsclf
