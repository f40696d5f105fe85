// Optimisers over one flat parameter buffer and its gradient buffer, with Keras's update rules.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace newsclf {

// The option strings are parsed once, before training, into these: no step compares strings.
enum class OptimizerKind { sgd, rmsprop, adam };
// "sgd", "rmsprop" or "adam"; anything else is a UsageError naming the choices.
OptimizerKind optimizer_kind(const std::string& name);
enum class LrSchedule { constant, linear, cosine };
// "constant", "linear" or "cosine"; anything else is a UsageError naming the choices.
LrSchedule lr_schedule(const std::string& name);

struct OptimizerSettings {
    std::string name = "rmsprop";  // sgd, rmsprop, adam (optimizer_kind); a string for the model file's metadata
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
    // params -= update(grads) on elements [0, n); called once per batch. With several threads the
    // elements are split among them by ranges: the same result, as each element's rule is its own.
    void step(float* params, const float* grads, std::size_t n, std::size_t threads = 1);
    // The same update for some rows of a row-sparse block only (a trained embedding), called after
    // step() of the same batch, which covered the elements before the block: row r is the elements
    // [begin + r * width, begin + (r + 1) * width). Lazy, as TensorFlow Addons' LazyAdam: a row
    // that is not listed keeps its value and its moments (they decay only in the steps that touch
    // the row); Adam's bias correction follows the steps taken. Keras's dense Adam would also move
    // untouched rows by their decaying first moment.
    void step_rows(float* params, const float* grads, std::size_t begin, std::size_t width, const std::uint32_t* rows,
                   std::size_t count) {
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t from = begin + static_cast<std::size_t>(rows[k]) * width;
            update(params, grads, from, from + width);
        }
    }
    // For a schedule: the step size of the steps that follow.
    void set_learning_rate(double learning_rate) { learning_rate_ = learning_rate; }

protected:
    // Before a step's updates: what the step changes for every element (Adam's bias correction).
    virtual void begin_step() {}
    // The rule on elements [from, to) of the buffers, with the step size of the current step.
    virtual void update(float* params, const float* grads, std::size_t from, std::size_t to) = 0;
    double learning_rate_;
};

// The learning rate of step `step` (from 0) of `steps` under a schedule: constant; linear, from
// the base down to 0 after the last step; cosine, half a cosine wave from the base down to 0.
double scheduled_learning_rate(LrSchedule schedule, double base, std::size_t step, std::size_t steps);

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& settings, std::size_t parameter_count);

}  // namespace newsclf
