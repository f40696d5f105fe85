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
    explicit Optimizer(double learning_rate) : learning_rate_(learning_rate) {}
    virtual ~Optimizer() = default;
    // params -= update(grads); called once per batch.
    virtual void step(float* params, const float* grads, std::size_t n) = 0;
    // For a schedule: the step size of the steps that follow.
    void set_learning_rate(double learning_rate) { learning_rate_ = learning_rate; }

protected:
    double learning_rate_;
};

// The learning rate of step `step` (from 0) of `steps` under a schedule: constant; linear, from
// the base down to 0 after the last step; cosine, half a cosine wave from the base down to 0.
double scheduled_learning_rate(const std::string& schedule, double base, std::size_t step, std::size_t steps);

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& settings, std::size_t parameter_count);

}  // namespace newsclf
