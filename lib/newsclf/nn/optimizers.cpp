#include "newsclf/nn/optimizers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "newsclf/base/error.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/base/vector_clones.hpp"

namespace newsclf {

namespace {

// True when the n gradients from g are all +0 (the bits, so that a loop of ORs vectorises).
inline bool all_zero(const float* g, std::size_t n) {
    std::uint32_t bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t b;
        std::memcpy(&b, g + i, sizeof b);
        bits |= b;
    }
    return bits == 0;
}

// RMSprop on elements [from, to). Most gradients of a sparse input are 0, and where one is, the
// rule reduces to ms *= rho (the square adds +0, the step is 0 / (sqrt(ms) + eps) = 0): such
// stretches skip the square root and the division, with the same bits as the full rule.
NEWSCLF_VECTOR_CLONES
void rmsprop_update(float* __restrict p, const float* __restrict g, float* __restrict ms, std::size_t from,
                    std::size_t to, float lr, float keep, float eps) {
    constexpr std::size_t stretch = 64;
    const float add = 1.0f - keep;
    for (std::size_t begin = from; begin < to; begin += stretch) {
        const std::size_t end = std::min(to, begin + stretch);
        if (all_zero(g + begin, end - begin)) {
            for (std::size_t i = begin; i < end; ++i) ms[i] = keep * ms[i];
            continue;
        }
        for (std::size_t i = begin; i < end; ++i) {
            ms[i] = keep * ms[i] + add * g[i] * g[i];
            p[i] -= lr * g[i] / (std::sqrt(ms[i]) + eps);
        }
    }
}

class Sgd : public Optimizer {
public:
    Sgd(const OptimizerSettings& s, std::size_t n)
        : Optimizer(s.learning_rate), momentum_(float(s.momentum)), velocity_(n, 0.0f) {}

private:
    void update(float* p, const float* g, std::size_t from, std::size_t to) override {
        const float lr = static_cast<float>(learning_rate_);
        if (momentum_ == 0.0f) {
            for (std::size_t i = from; i < to; ++i) p[i] -= lr * g[i];
            return;
        }
        for (std::size_t i = from; i < to; ++i) {
            velocity_[i] = momentum_ * velocity_[i] - lr * g[i];
            p[i] += velocity_[i];
        }
    }
    float momentum_;
    std::vector<float> velocity_;
};

class RmsProp : public Optimizer {
public:
    RmsProp(const OptimizerSettings& s, std::size_t n)
        : Optimizer(s.learning_rate), rho_(float(s.rho)), eps_(float(s.epsilon)), mean_square_(n, 0.0f) {}

private:
    void update(float* p, const float* g, std::size_t from, std::size_t to) override {
        rmsprop_update(p, g, mean_square_.data(), from, to, static_cast<float>(learning_rate_), rho_, eps_);
    }
    float rho_, eps_;
    std::vector<float> mean_square_;
};

class Adam : public Optimizer {
public:
    Adam(const OptimizerSettings& s, std::size_t n)
        : Optimizer(s.learning_rate), s_(s), m_(n, 0.0f), v_(n, 0.0f) {}

private:
    void begin_step() override {
        ++t_;
        const double correction = std::sqrt(1.0 - std::pow(s_.beta_2, t_)) / (1.0 - std::pow(s_.beta_1, t_));
        lr_t_ = static_cast<float>(learning_rate_ * correction);
    }
    void update(float* p, const float* g, std::size_t from, std::size_t to) override {
        const float lr = lr_t_;
        const float b1 = float(s_.beta_1), b2 = float(s_.beta_2), eps = float(s_.epsilon);
        for (std::size_t i = from; i < to; ++i) {
            m_[i] = b1 * m_[i] + (1.0f - b1) * g[i];
            v_[i] = b2 * v_[i] + (1.0f - b2) * g[i] * g[i];
            p[i] -= lr * m_[i] / (std::sqrt(v_[i]) + eps);
        }
    }
    OptimizerSettings s_;
    std::vector<float> m_, v_;
    long t_ = 0;
    float lr_t_ = 0.0f;  // bias-corrected step size of the current step
};

}  // namespace

void Optimizer::step(float* params, const float* grads, std::size_t n, std::size_t threads) {
    begin_step();
    // Ranges long enough that a thread's start is a small part of its work.
    parallel_ranges(threads, n, 1 << 18, [&](std::size_t from, std::size_t to) { update(params, grads, from, to); });
}

OptimizerKind optimizer_kind(const std::string& name) {
    if (name == "sgd") return OptimizerKind::sgd;
    if (name == "rmsprop") return OptimizerKind::rmsprop;
    if (name == "adam") return OptimizerKind::adam;
    throw UsageError("unknown optimizer \"" + name + "\": expected sgd, rmsprop or adam");
}

LrSchedule lr_schedule(const std::string& name) {
    if (name == "constant") return LrSchedule::constant;
    if (name == "linear") return LrSchedule::linear;
    if (name == "cosine") return LrSchedule::cosine;
    throw UsageError("lr_schedule: \"" + name + "\" is not one of constant, linear, cosine");
}

double scheduled_learning_rate(LrSchedule schedule, double base, std::size_t step, std::size_t steps) {
    const double progress = steps > 0 ? static_cast<double>(step) / static_cast<double>(steps) : 0.0;
    switch (schedule) {
        case LrSchedule::linear: return base * (1.0 - progress);
        case LrSchedule::cosine: return base * 0.5 * (1.0 + std::cos(M_PI * progress));
        case LrSchedule::constant: break;
    }
    return base;
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& s, std::size_t n) {
    switch (optimizer_kind(s.name)) {
        case OptimizerKind::sgd: return std::make_unique<Sgd>(s, n);
        case OptimizerKind::rmsprop: return std::make_unique<RmsProp>(s, n);
        case OptimizerKind::adam: break;
    }
    return std::make_unique<Adam>(s, n);
}

}  // namespace newsclf
