#include "newsclf/archs/mlp.hpp"

#include <cmath>

#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/nn/activations.hpp"
#include "newsclf/nn/initializers.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/training/trainer.hpp"

namespace newsclf {

MlpNetwork::MlpNetwork(const Matrix* embedding, const MlpShape& shape)
    : shape_(shape), input_(embedding, shape.max_len, shape.hidden_units) {
    use_single_threaded_blas();
    if (shape.hidden_layers < 1 || shape.hidden_units < 1 || shape.max_len < 1)
        throw UsageError("the network needs at least one hidden layer of at least one unit and max_len >= 1");
    for (std::size_t k = 1; k < shape.hidden_layers; ++k) hidden_.emplace_back(shape.hidden_units, shape.hidden_units);
    hidden_.emplace_back(shape.hidden_units, shape.classes);
    offsets_.push_back(0);
    std::size_t total = input_.parameter_count();
    for (const auto& d : hidden_) {
        offsets_.push_back(total);
        total += d.parameter_count();
    }
    parameter_count_ = total;
}

std::vector<ParameterBlock> MlpNetwork::parameter_blocks() const {
    std::vector<ParameterBlock> blocks;
    blocks.push_back({"dense_0.kernel", offsets_[0], {input_.fan_in(), input_.units()}});
    blocks.push_back({"dense_0.bias", offsets_[0] + input_.kernel_size(), {input_.units()}});
    for (std::size_t k = 0; k < hidden_.size(); ++k) {
        std::string name = "dense_" + std::to_string(k + 1);
        blocks.push_back({name + ".kernel", offsets_[k + 1], {hidden_[k].inputs(), hidden_[k].units()}});
        blocks.push_back({name + ".bias", offsets_[k + 1] + hidden_[k].kernel_size(), {hidden_[k].units()}});
    }
    return blocks;
}

void MlpNetwork::initialize(float* params, PythonRandom& rng) const {
    for (std::size_t i = 0; i < parameter_count_; ++i) params[i] = 0.0f;
    glorot_uniform(params + offsets_[0], input_.kernel_size(), input_.fan_in(), input_.units(), rng);
    for (std::size_t k = 0; k < hidden_.size(); ++k)
        glorot_uniform(params + offsets_[k + 1], hidden_[k].kernel_size(), hidden_[k].inputs(), hidden_[k].units(), rng);
}

double MlpNetwork::forward(const float* params, const TokenBatch& batch, const std::int8_t* labels,
                           newsclf::Workspace& base, const Dropout* dropout) const {
    auto& ws = static_cast<Workspace&>(base);
    const std::size_t n = batch.size();
    const bool drop = dropout && dropout->rate > 0.0f;
    ws.activations.resize(hidden_.size());
    ws.masks.resize(drop ? hidden_.size() : 0);
    ws.activations[0].resize(n * input_.units());
    input_.forward(params + offsets_[0], batch, ws.activations[0].data());
    relu_forward(ws.activations[0].data(), ws.activations[0].size());
    if (drop) apply_dropout_drawing_each(*dropout, ws.activations[0].data(), ws.activations[0].size(), &ws.masks[0]);
    for (std::size_t k = 0; k + 1 < hidden_.size(); ++k) {
        ws.activations[k + 1].resize(n * hidden_[k].units());
        hidden_[k].forward(params + offsets_[k + 1], ws.activations[k].data(), n, ws.activations[k + 1].data());
        relu_forward(ws.activations[k + 1].data(), ws.activations[k + 1].size());
        if (drop)
            apply_dropout_drawing_each(*dropout, ws.activations[k + 1].data(), ws.activations[k + 1].size(), &ws.masks[k + 1]);
    }
    const Dense& out = hidden_.back();
    ws.probabilities.resize(n * out.units());
    out.forward(params + offsets_.back(), ws.activations.back().data(), n, ws.probabilities.data());
    return softmax_cross_entropy(ws.probabilities.data(), labels, n, out.units());
}

void MlpNetwork::backward(const float* params, const TokenBatch& batch, const std::int8_t* labels, std::size_t count,
                          newsclf::Workspace& base, float* grads) const {
    auto& ws = static_cast<Workspace&>(base);
    const std::size_t n = batch.size();
    ws.delta.resize(n * shape_.classes);
    softmax_cross_entropy_backward(ws.probabilities.data(), labels, n, shape_.classes, count, ws.delta.data());
    for (std::size_t k = hidden_.size(); k-- > 0;) {
        const Dense& layer = hidden_[k];
        ws.delta_next.resize(n * layer.inputs());
        layer.backward(params + offsets_[k + 1], ws.activations[k].data(), ws.delta.data(), n, grads + offsets_[k + 1],
                       ws.delta_next.data());
        if (!ws.masks.empty()) multiply_by_mask(ws.delta_next.data(), ws.masks[k]);
        relu_backward(ws.activations[k].data(), ws.delta_next.data(), ws.delta_next.size());
        std::swap(ws.delta, ws.delta_next);
    }
    input_.backward(batch, ws.delta.data(), grads + offsets_[0]);
}

namespace {

MlpShape mlp_shape(const FitOptions& o) { return {o.max_len, o.hidden_units, o.hidden_layers, label_count}; }

}  // namespace

Architecture mlp_architecture() {
    Architecture a;
    a.name = "mlp";
    a.help = "the workshop's network: frozen GloVe embedding, Flatten, Dense(relu) x hidden_layers, Dense(4, softmax)";
    a.defaults = {};  // the table's defaults are the workshop's settings
    a.needs_pretrained = true;
    a.activations_per_row = [](const FitOptions& o, double dim) {
        return 2 * (static_cast<double>(o.max_len) * dim + static_cast<double>(o.hidden_units) * static_cast<double>(o.hidden_layers));
    };
    a.network = [](const Model& m) -> std::unique_ptr<Network> {
        return std::make_unique<MlpNetwork>(&m.embedding, mlp_shape(m.options));
    };
    a.train = [](Model& m, const TrainingData& data) {
        m.embedding = *data.pretrained;
        return train_from_initialisation(MlpNetwork(&m.embedding, mlp_shape(m.options)), m, data);
    };
    return a;
}

}  // namespace newsclf
