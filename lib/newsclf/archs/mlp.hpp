// The workshop's network: frozen GloVe Embedding, Flatten, Dense(hidden, relu) x layers,
// Dense(4, softmax). Parameters live in one flat buffer: the first layer's kernel and bias, then
// each hidden layer's, then the output layer's, which is also the gradient buffer's layout.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "newsclf/nn/activations.hpp"
#include "newsclf/nn/dense.hpp"
#include "newsclf/nn/sequence_dense.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/base/random.hpp"

namespace newsclf {

struct MlpShape {
    std::size_t max_len = 100;
    std::size_t hidden_units = 2;
    std::size_t hidden_layers = 1;
    std::size_t classes = 4;
};

class MlpNetwork : public TrainableNetwork {
public:
    MlpNetwork(const Matrix* embedding, const MlpShape& shape);
    std::size_t parameter_count() const { return parameter_count_; }
    const MlpShape& shape() const { return shape_; }
    std::vector<ParameterBlock> parameter_blocks() const override;
    // Glorot-uniform kernels, zero biases, as Keras initialises Dense layers.
    void initialize(float* params, PythonRandom& rng) const override;

    // Activations of one batch; dropout (inverted) follows every hidden layer in training.
    struct Workspace : newsclf::Workspace {
        std::vector<std::vector<float>> activations;  // per layer, batch x units (post-relu, post-dropout)
        std::vector<std::vector<float>> masks;        // per layer: 0 or 1 / (1 - rate); empty without dropout
        std::vector<float> delta, delta_next;
    };
    std::unique_ptr<newsclf::Workspace> workspace() const override { return std::make_unique<Workspace>(); }
    double forward(const float* params, const TokenBatch& batch, const std::int8_t* labels, newsclf::Workspace& ws,
                   const Dropout* dropout = nullptr) const override;
    void backward(const float* params, const TokenBatch& batch, const std::int8_t* labels, std::size_t count,
                  newsclf::Workspace& ws, float* grads) const override;

private:
    MlpShape shape_;
    SequenceDense input_;
    std::vector<Dense> hidden_;  // hidden layers after the first, then the output layer
    std::vector<std::size_t> offsets_;  // of input_, then of each Dense
    std::size_t parameter_count_;
};

struct Architecture;
// --arch mlp: the network above over a frozen pretrained embedding, trained by train_network.
Architecture mlp_architecture();

}  // namespace newsclf
