// The two mask streams of inverted dropout, over one loop that scales and records.
#include "newsclf/nn/dropout.hpp"

#include <cmath>
#include <cstdint>

namespace newsclf {

namespace {

// keep(i) says whether value i is kept; called once per value, in order.
template <class Keep>
void apply_mask(const Dropout& dropout, float* x, std::size_t n, std::vector<float>* mask, Keep keep) {
    const float scale = 1.0f / (1.0f - dropout.rate);
    if (mask) mask->resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float factor = keep(i) ? scale : 0.0f;
        x[i] *= factor;
        if (mask) (*mask)[i] = factor;
    }
}

}  // namespace

void apply_dropout(const Dropout& dropout, float* x, std::size_t n, std::vector<float>* mask) {
    SplitMix64 stream{static_cast<std::uint64_t>(dropout.rng->next_u32()) << 32 | dropout.rng->next_u32()};
    const auto threshold = static_cast<std::uint64_t>(std::lround(static_cast<double>(dropout.rate) * 65536.0));
    std::uint64_t bits = 0;
    apply_mask(dropout, x, n, mask, [&](std::size_t i) {
        if (i % 4 == 0) bits = stream.next();
        else bits >>= 16;
        return (bits & 0xffffu) >= threshold;
    });
}

void apply_dropout_drawing_each(const Dropout& dropout, float* x, std::size_t n, std::vector<float>* mask) {
    apply_mask(dropout, x, n, mask, [&](std::size_t) { return !(dropout.rng->random() < dropout.rate); });
}

void multiply_by_mask(float* x, const std::vector<float>& mask) {
    for (std::size_t i = 0; i < mask.size(); ++i) x[i] *= mask[i];
}

}  // namespace newsclf
