// Optimisers over one flat parameter buffer and its gradient buffer, with Keras's update rules.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace newsclf {

struct OptimizerSettings {
    std::string name = "rmsprop";  // sgd, rmsprop, adam
    double learning_rate = 0.001;
    double rho = 0.9;        // rmsprop
    double beta_1 = 0.9;     // adam
    double beta_2 = 0.999;   // adam
    double epsilon = 1e-7;
    double momentum = 0.0;   // sgd
};

class Optimizer {
public:
    virtual ~Optimizer() = default;
    // params -= update(grads); called once per batch.
    virtual void step(float* params, const float* grads, std::size_t n) = 0;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& settings, std::size_t parameter_count);

}  // namespace newsclf
