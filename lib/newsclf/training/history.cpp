#include "newsclf/training/history.hpp"

#include <cstdio>

namespace newsclf {

std::string epoch_line(const EpochResult& e) {
    char buf[256];
    int n = std::snprintf(buf, sizeof buf, "Epoch %zu/%zu - %zu/%zu steps - %.2fs", e.epoch, e.epochs, e.steps, e.steps,
                          e.seconds);
    if (e.train.rows > 0)  // an ensemble's one "epoch" fits weights on validation rows only
        n += std::snprintf(buf + n, sizeof buf - n, " - loss: %.4f - acc: %.4f", e.train.loss, e.train.accuracy);
    if (e.validation.rows > 0)
        std::snprintf(buf + n, sizeof buf - n, " - val_loss: %.4f - val_acc: %.4f", e.validation.loss, e.validation.accuracy);
    return buf;
}

}  // namespace newsclf
