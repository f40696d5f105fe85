// The Horovod lab's Keras network: Embedding (GloVe rows), Dropout, Conv1D(relu, 'valid'),
// GlobalMaxPooling1D, Dense(relu), Dropout, Dense(4, softmax). Parameters live in one flat buffer:
// the conv kernel and bias, then each Dense layer's, and, when the network trains its embedding,
// the embedding last (the buffer's row-sparse tail).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "newsclf/nn/conv1d.hpp"
#include "newsclf/nn/dense.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/base/random.hpp"
#include "newsclf/base/tensor.hpp"

namespace newsclf {

struct CnnShape {
    std::size_t max_len = 40;
    std::size_t filters = 250;
    std::size_t kernel_size = 3;
    std::size_t hidden_units = 250;
    std::size_t classes = 4;
};

class CnnNetwork : public TrainableNetwork {
public:
    // embedding: rows x dim, not owned. Frozen, the network reads it; trained, it is the embedding's
    // initial value (initialize copies it) and the trained one is the buffer's last block.
    // threads (0: one per CPU) share the Conv1D product in fixed blocks of windows, so that the
    // result does not depend on their number.
    CnnNetwork(const Matrix* embedding, const CnnShape& shape, bool train_embedding = false, std::size_t threads = 1);
    const CnnShape& shape() const { return shape_; }
    std::vector<ParameterBlock> parameter_blocks() const override;
    SparseRows sparse_rows() const override;
    // Glorot-uniform kernels and zero biases, as Keras initialises Conv1D and Dense; a trained
    // embedding starts as the pretrained matrix.
    void initialize(float* params, PythonRandom& rng) const override;

    // Activations of one batch. x holds the batch's tokens' vectors packed one headline after the
    // other (padding is not stored), after dropout in training.
    struct Workspace : newsclf::Workspace {
        SequenceWindows windows;
        std::vector<std::size_t> lengths;
        std::vector<std::uint32_t> ids;      // the tokens' ids, packed as x
        std::vector<float> x, x_mask;        // tokens x dim; mask: 0 or 1 / (1 - rate), empty without dropout
        std::vector<float> columns;          // windows x (kernel_size * dim)
        std::vector<float> conv;             // windows x filters, before relu
        std::vector<float> pooled;           // batch x filters: the max over the windows, after relu
        std::vector<std::int32_t> argmax;    // batch x filters: the window that gave it
        std::vector<float> hidden, hidden_mask;
        std::vector<float> d_logits, d_hidden, d_pooled, d_x, scratch;
    };
    std::unique_ptr<newsclf::Workspace> workspace() const override { return std::make_unique<Workspace>(); }
    double forward(const float* params, const TokenBatch& batch, const std::int8_t* labels, newsclf::Workspace& ws,
                   const Dropout* dropout = nullptr) const override;
    void backward(const float* params, const TokenBatch& batch, const std::int8_t* labels, std::size_t count,
                  newsclf::Workspace& ws, float* grads) const override;

private:
    const Matrix* embedding_;
    CnnShape shape_;
    bool train_embedding_;
    std::size_t rows_, dim_, threads_;
    Conv1D conv_;
    Dense hidden_, output_;
    std::size_t conv_offset_ = 0, hidden_offset_, output_offset_, embedding_offset_, parameter_count_;
};

struct Architecture;
// --arch cnn: the network above, trained by train_network; a trained embedding replaces the
// pretrained one in the model.
Architecture cnn_architecture();

}  // namespace newsclf
