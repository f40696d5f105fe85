// The workshop's network: frozen GloVe Embedding, Flatten, Dense(hidden, relu) x layers,
// Dense(4, softmax). Parameters live in one flat buffer: the first layer's kernel and bias, then
// each hidden layer's, then the output layer's, which is also the gradient buffer's layout.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "newsclf/layers/activations.hpp"
#include "newsclf/layers/dense.hpp"
#include "newsclf/layers/sequence_dense.hpp"
#include "newsclf/random.hpp"

namespace newsclf {

struct MlpShape {
    std::size_t max_len = 100;
    std::size_t hidden_units = 2;
    std::size_t hidden_layers = 1;
    std::size_t classes = 4;
};

// A named slice of the flat parameter buffer, for the model file and for inspection.
struct ParameterBlock {
    std::string name;
    std::size_t offset;
    std::vector<std::size_t> shape;
};

class MlpNetwork {
public:
    MlpNetwork(const Matrix* embedding, const MlpShape& shape);
    std::size_t parameter_count() const { return parameter_count_; }
    const MlpShape& shape() const { return shape_; }
    std::vector<ParameterBlock> parameter_blocks() const;
    // Glorot-uniform kernels, zero biases, as Keras initialises Dense layers.
    void initialize(float* params, PythonRandom& rng) const;

    // Inverted dropout after every hidden layer, for training: each output is kept with
    // probability 1 - rate and then scaled by 1 / (1 - rate); the generator draws the masks.
    struct Dropout {
        float rate;
        PythonRandom* rng;
    };

    // Activations of one batch; reused across batches.
    struct Workspace {
        std::vector<std::vector<float>> activations;  // per layer, batch x units (post-relu, post-dropout)
        std::vector<std::vector<float>> masks;        // per layer: 0 or 1 / (1 - rate); empty without dropout
        std::vector<float> probabilities;              // batch x classes
        std::vector<float> delta, delta_next;
    };
    // Class probabilities of a batch into ws.probabilities; returns the summed loss of labelled rows.
    double forward(const float* params, const TokenBatch& batch, const std::int8_t* labels, Workspace& ws,
                   const Dropout* dropout = nullptr) const;
    // After forward: adds d(mean loss over `count` labelled rows)/d params into grads.
    void backward(const float* params, const TokenBatch& batch, const std::int8_t* labels, std::size_t count,
                  Workspace& ws, float* grads) const;

private:
    MlpShape shape_;
    SequenceDense input_;
    std::vector<Dense> hidden_;  // hidden layers after the first, then the output layer
    std::vector<std::size_t> offsets_;  // of input_, then of each Dense
    std::size_t parameter_count_;
};

}  // namespace newsclf
