// What training reports: per epoch, the loss and accuracy on training and validation rows.
#pragma once
#include <cstddef>
#include <string>

namespace newsclf {

struct Evaluation {
    double loss = 0, accuracy = 0;
    std::size_t rows = 0;
};

struct EpochResult {
    std::size_t epoch = 0, epochs = 0, steps = 0;
    Evaluation train, validation;
    double seconds = 0;
};

// "Epoch 1/2 - 9571/9571 steps - 0.52s - loss: 0.6132 - acc: 0.7701 - val_loss: 0.5512 - val_acc: 0.7968";
// the training or validation part only when there were such rows.
std::string epoch_line(const EpochResult& e);

}  // namespace newsclf
