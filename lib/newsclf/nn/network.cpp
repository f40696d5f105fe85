#include "newsclf/nn/network.hpp"

#include <algorithm>

namespace newsclf {

std::size_t Network::parameter_count() const {
    std::size_t end = 0;
    for (const auto& b : parameter_blocks()) end = std::max(end, b.offset + b.size());
    return end;
}

void TrainableNetwork::predict(const float* params, const TokenBatch& batch, float* probabilities) const {
    auto ws = workspace();
    forward(params, batch, nullptr, *ws);
    std::copy(ws->probabilities.begin(), ws->probabilities.end(), probabilities);
}

}  // namespace newsclf
