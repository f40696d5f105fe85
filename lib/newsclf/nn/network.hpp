// What every model architecture's network offers: a layout of one flat parameter buffer in named
// blocks, and class probabilities for a batch of headlines given as token ids. Networks trained
// by gradient steps (mlp, cnn, lstm) also offer initialisation, a loss and its gradient into a
// buffer of the same layout, the buffer an allreduce averages.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "newsclf/nn/dropout.hpp"
#include "newsclf/nn/token_batch.hpp"
#include "newsclf/base/random.hpp"

namespace newsclf {

// How a block is kept in the model file; f16 halves the file, the loaded values are the rounded ones.
// q8 and q4 (newsclf-quantize: rows of 8- or 4-bit integers with a scale each, zero rows left
// out) may stand in the file for the f16 blocks; no network declares them.
enum class Storage : std::uint8_t { f32, f16, q8, q4 };
inline bool is_quantized(Storage s) { return s == Storage::q8 || s == Storage::q4; }
inline int quantized_bits(Storage s) { return s == Storage::q4 ? 4 : 8; }

// A named slice of the flat parameter buffer, for the model file and for inspection.
struct ParameterBlock {
    std::string name;
    std::size_t offset;
    std::vector<std::size_t> shape;
    Storage storage = Storage::f32;
    std::size_t size() const {
        std::size_t n = 1;
        for (auto d : shape) n *= d;
        return n;
    }
};

class Network {
public:
    virtual ~Network() = default;
    virtual std::vector<ParameterBlock> parameter_blocks() const = 0;
    std::size_t parameter_count() const;
    // Class probabilities (batch.size() x classes, row-major) of a batch whose token ids are those of
    // the model's vocabulary (1..size). Safe to call from several threads at once.
    virtual void predict(const float* params, const TokenBatch& batch, float* probabilities) const = 0;
};

// A network's activations for one batch, reused across batches.
struct Workspace {
    virtual ~Workspace() = default;
    std::vector<float> probabilities;  // batch x classes, after forward
    // After backward, for a network with row-sparse parameters: the rows it wrote gradients to,
    // ascending, each once.
    std::vector<std::uint32_t> touched_rows;
};

// The tail of the buffer, from `begin` on, whose gradient is sparse by rows of `width` values (a
// trained embedding: a batch touches a few hundred of its rows). width 0: none.
struct SparseRows {
    std::size_t begin = 0;
    std::size_t width = 0;
};

class TrainableNetwork : public Network {
public:
    // Keras's initialisers for each layer (Glorot-uniform kernels, zero biases, ...).
    virtual void initialize(float* params, PythonRandom& rng) const = 0;
    virtual std::unique_ptr<Workspace> workspace() const = 0;
    // Class probabilities of a batch into ws.probabilities; returns the summed cross-entropy of the
    // labelled rows (labels may be null: none are).
    virtual double forward(const float* params, const TokenBatch& batch, const std::int8_t* labels, Workspace& ws,
                           const Dropout* dropout = nullptr) const = 0;
    // After forward: adds d(mean loss over `count` labelled rows)/d params into grads.
    virtual void backward(const float* params, const TokenBatch& batch, const std::int8_t* labels, std::size_t count,
                          Workspace& ws, float* grads) const = 0;
    void predict(const float* params, const TokenBatch& batch, float* probabilities) const override;
    // The row-sparse tail of the buffer, if any. backward writes gradients there only to the rows
    // it lists in ws.touched_rows; the trainer zeroes and updates only those rows.
    virtual SparseRows sparse_rows() const { return {}; }
};

}  // namespace newsclf
