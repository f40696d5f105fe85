// fastText's supervised classifier: a headline is the mean of its words' vectors and of hashed
// word n-gram vectors (n-gram rows narrower than word rows, in a subspace of their own), optionally passed through a hidden Dense(relu) layer, then a
// linear layer and softmax. Trained by plain SGD one headline at a time, lock-free over threads
// (Hogwild), with the learning rate decaying linearly to 0.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "newsclf/training/distributed.hpp"
#include "newsclf/training/data_split.hpp"
#include "newsclf/training/fit_options.hpp"
#include "newsclf/training/history.hpp"
#include "newsclf/nn/dense.hpp"
#include "newsclf/nn/embedding_bag.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/base/tensor.hpp"
#include "newsclf/formats/token_stream.hpp"

namespace newsclf {

struct BagShape {
    std::size_t words = 0;       // vocabulary size; token ids 1..words
    std::size_t dim = 100;
    std::size_t buckets = 0;     // n-gram rows (unused when ngrams is 1)
    std::size_t ngram_dim = 16;  // width of an n-gram row
    std::size_t ngrams = 2;
    std::size_t hidden = 0;      // units of the hidden Dense(relu) layer; 0: none
    std::size_t classes = 4;
};

class BagNetwork : public Network {
public:
    explicit BagNetwork(const BagShape& shape);
    const BagShape& shape() const { return shape_; }
    const EmbeddingBag& bag() const { return bag_; }
    std::vector<ParameterBlock> parameter_blocks() const override;
    void predict(const float* params, const TokenBatch& batch, float* probabilities) const override;

    // fastText's initialisation: a word's row from the pretrained matrix (rows by token id) where
    // that row is not all zeros, every other row uniform in [-1/width, 1/width]; the output layer
    // zero; with a hidden layer, both kernels Glorot-uniform instead; biases zero. The random rows come in fixed blocks,
    // each from a generator seeded by the seed and the block, so any number of threads gives the
    // same values.
    void initialize(float* params, const Matrix* pretrained, std::uint64_t seed, std::size_t threads = 1) const;

    // One headline's activations and gradients, reused from headline to headline.
    struct Scratch {
        EmbeddingBag::Selection rows;
        std::vector<float> mean, hidden, d_input, d_hidden;
        std::array<float, 4> probabilities{}, d_logits{};
    };
    Scratch scratch() const;
    // -log p(label) of one headline; its class probabilities in s.probabilities.
    double loss(const float* params, TokenSpan tokens, int label, Scratch& s) const;
    // One SGD step on one headline: params -= lr * d(-log p(label))/d params, touching only the
    // selected rows, the hidden and the output layer. Returns the loss before the step.
    double sgd_step(float* params, TokenSpan tokens, int label, float lr, Scratch& s) const;
    // The same on rows already selected into s.rows, with the dense layers (the hidden and the
    // output layer, in the buffer's layout from dense_offset() on) at `dense`: a thread may step
    // a copy of its own.
    double sgd_step_rows(float* params, float* dense, int label, float lr, Scratch& s) const;
    // Where the dense layers start in the buffer; they run to its end.
    std::size_t dense_offset() const { return hidden_offset_; }
    // Where the output layer starts: its kernel (inputs x classes), then its bias.
    std::size_t output_offset() const { return output_offset_; }
    std::size_t parameter_count() const { return parameter_count_; }

private:
    void forward(const float* params, const float* dense, Scratch& s) const;  // from s.rows

    BagShape shape_;
    EmbeddingBag bag_;
    Dense hidden_, output_;
    std::size_t hidden_offset_, output_offset_, parameter_count_;
};

// Trains from initialised params in place, `threads` at once (0: one per CPU), calling on_epoch
// after each epoch with the loss and accuracy seen in training and those of the validation rows.
// With a patience, stops once that many epochs in a row did not lower the validation loss and
// leaves the weights of the epoch with the lowest one.
// Over several ranks: rank 0's initial params everywhere, each rank's threads on its shard of
// split.train (rows i with i mod size == rank), and the ranks' params averaged by one allreduce
// every options.average_every rows of each rank's shard and at the end of every epoch: local SGD
// with model averaging (the learning rate times the ranks with scale_lr), the Hogwild threads
// inside each rank left as they are.
std::vector<EpochResult> train_bag(const BagNetwork& network, std::vector<float>& params, const TokenCorpus& corpus,
                                   const DataSplit& split, const FitOptions& options,
                                   const std::function<void(const EpochResult&)>& on_epoch,
                                   Communicator& ranks);

struct Architecture;
// --arch bag: the network above, trained by train_bag.
Architecture bag_architecture();

}  // namespace newsclf
