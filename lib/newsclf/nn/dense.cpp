#include "newsclf/nn/dense.hpp"

#include <cblas.h>

extern "C" void openblas_set_num_threads(int);
// OpenBLAS's pthread builds have it; weak, so that another build links all the same.
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

namespace newsclf {

void use_single_threaded_blas() {
    static const bool done = [] {
        openblas_set_num_threads(1);
        // The threads OpenBLAS started when it was loaded wait for work by spinning, a tenth of a
        // second of a CPU that the tools' own threads need; with one thread they get none.
        if (blas_thread_shutdown_) blas_thread_shutdown_();
        return true;
    }();
    (void)done;
}

void Dense::forward(const float* params, const float* x, std::size_t batch, float* out) const {
    const float* bias = params + kernel_size();
    for (std::size_t b = 0; b < batch; ++b)
        for (std::size_t u = 0; u < units_; ++u) out[b * units_ + u] = bias[u];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(batch), static_cast<int>(units_),
                static_cast<int>(inputs_), 1.0f, x, static_cast<int>(inputs_), params, static_cast<int>(units_), 1.0f,
                out, static_cast<int>(units_));
}

void Dense::backward(const float* params, const float* x, const float* d_out, std::size_t batch, float* grads,
                     float* d_x) const {
    float* d_bias = grads + kernel_size();
    for (std::size_t b = 0; b < batch; ++b)
        for (std::size_t u = 0; u < units_; ++u) d_bias[u] += d_out[b * units_ + u];
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(inputs_), static_cast<int>(units_),
                static_cast<int>(batch), 1.0f, x, static_cast<int>(inputs_), d_out, static_cast<int>(units_), 1.0f,
                grads, static_cast<int>(units_));
    if (d_x)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(batch), static_cast<int>(inputs_),
                    static_cast<int>(units_), 1.0f, d_out, static_cast<int>(units_), params, static_cast<int>(units_),
                    0.0f, d_x, static_cast<int>(inputs_));
}

}  // namespace newsclf
