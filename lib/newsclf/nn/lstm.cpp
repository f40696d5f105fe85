#include "newsclf/nn/lstm.hpp"

#include <cblas.h>

#include <algorithm>

#include "newsclf/nn/squashing.hpp"

namespace newsclf {

namespace {

int to_int(std::size_t n) { return static_cast<int>(n); }

}  // namespace

void Lstm::forward(const float* params, const PackedSequences& p, const float* x, State& s) const {
    const std::size_t U = units_, G = 4 * units_, entries = p.entries();
    const float* kernel = params;
    const float* recurrent = params + recurrent_kernel_offset();
    const float* bias = params + bias_offset();
    s.gates.resize(entries * G);
    s.cells.resize(entries * U);
    s.cell_tanh.resize(entries * U);
    s.hidden.resize(entries * U);
    s.zeros.assign(U, 0.0f);
    if (entries == 0) return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, to_int(entries), to_int(G), to_int(inputs_), 1.0f, x,
                to_int(inputs_), kernel, to_int(G), 0.0f, s.gates.data(), to_int(G));
    for (std::size_t t = 0; t < p.steps(); ++t) {
        const std::size_t n = p.active(t), first = p.entry(t, 0);
        float* z = s.gates.data() + first * G;
        if (t > 0)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, to_int(n), to_int(G), to_int(U), 1.0f,
                        s.hidden.data() + p.entry(t - 1, 0) * U, to_int(U), recurrent, to_int(G), 1.0f, z, to_int(G));
        for (std::size_t r = 0; r < n; ++r) {
            float* zr = z + r * G;
            for (std::size_t g = 0; g < G; ++g) zr[g] += bias[g];
            sigmoid_inplace(zr, 2 * U);
            tanh_of(zr + 2 * U, zr + 2 * U, U);
            sigmoid_inplace(zr + 3 * U, U);
            const float* c_prev = t > 0 ? s.cells.data() + p.entry(t - 1, r) * U : s.zeros.data();
            float* c = s.cells.data() + (first + r) * U;
            for (std::size_t u = 0; u < U; ++u) c[u] = zr[u] * zr[2 * U + u] + zr[U + u] * c_prev[u];
        }
        tanh_of(s.cells.data() + first * U, s.cell_tanh.data() + first * U, n * U);
        for (std::size_t r = 0; r < n; ++r) {
            const float* o = z + r * G + 3 * U;
            const float* tc = s.cell_tanh.data() + (first + r) * U;
            float* h = s.hidden.data() + (first + r) * U;
            for (std::size_t u = 0; u < U; ++u) h[u] = o[u] * tc[u];
        }
    }
}

void Lstm::backward(const float* params, const PackedSequences& p, const float* x, State& s, float* d_hidden,
                    float* grads, float* d_x) const {
    const std::size_t U = units_, G = 4 * units_, entries = p.entries();
    const float* kernel = params;
    const float* recurrent = params + recurrent_kernel_offset();
    float* d_kernel = grads;
    float* d_recurrent = grads + recurrent_kernel_offset();
    float* d_bias = grads + bias_offset();
    if (entries == 0) return;
    s.d_gates.resize(entries * G);
    s.d_cell.assign(p.slots() * U, 0.0f);
    for (std::size_t t = p.steps(); t-- > 0;) {
        const std::size_t n = p.active(t), first = p.entry(t, 0);
        const std::size_t continuing = t + 1 < p.steps() ? p.active(t + 1) : 0;
        // Sequences that end at this step have no later cell to pass a gradient back.
        std::fill(s.d_cell.begin() + continuing * U, s.d_cell.begin() + n * U, 0.0f);
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t e = first + r;
            const float* z = s.gates.data() + e * G;
            const float* tc = s.cell_tanh.data() + e * U;
            const float* dh = d_hidden + e * U;
            const float* c_prev = t > 0 ? s.cells.data() + p.entry(t - 1, r) * U : s.zeros.data();
            float* dc_carry = s.d_cell.data() + r * U;
            float* dz = s.d_gates.data() + e * G;
            for (std::size_t u = 0; u < U; ++u) {
                const float i = z[u], f = z[U + u], g = z[2 * U + u], o = z[3 * U + u];
                const float dc = dc_carry[u] + dh[u] * o * (1.0f - tc[u] * tc[u]);
                dz[u] = dc * g * i * (1.0f - i);
                dz[U + u] = dc * c_prev[u] * f * (1.0f - f);
                dz[2 * U + u] = dc * i * (1.0f - g * g);
                dz[3 * U + u] = dh[u] * tc[u] * o * (1.0f - o);
                dc_carry[u] = dc * f;
            }
        }
        if (t > 0)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, to_int(n), to_int(U), to_int(G), 1.0f,
                        s.d_gates.data() + first * G, to_int(G), recurrent, to_int(G), 1.0f,
                        d_hidden + p.entry(t - 1, 0) * U, to_int(U));
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, to_int(inputs_), to_int(G), to_int(entries), 1.0f, x,
                to_int(inputs_), s.d_gates.data(), to_int(G), 1.0f, d_kernel, to_int(G));
    // Each entry after the first step meets the previous step's h of its sequence.
    const std::size_t later = entries - p.active(0);
    if (later > 0) {
        s.previous_hidden.resize(later * U);
        for (std::size_t t = 1; t < p.steps(); ++t) {
            const float* from = s.hidden.data() + p.entry(t - 1, 0) * U;
            std::copy(from, from + p.active(t) * U, s.previous_hidden.data() + (p.entry(t, 0) - p.active(0)) * U);
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, to_int(U), to_int(G), to_int(later), 1.0f,
                    s.previous_hidden.data(), to_int(U), s.d_gates.data() + p.active(0) * G, to_int(G), 1.0f,
                    d_recurrent, to_int(G));
    }
    s.ones.assign(entries, 1.0f);
    cblas_sgemv(CblasRowMajor, CblasTrans, to_int(entries), to_int(G), 1.0f, s.d_gates.data(), to_int(G),
                s.ones.data(), 1, 1.0f, d_bias, 1);
    if (d_x)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, to_int(entries), to_int(inputs_), to_int(G), 1.0f,
                    s.d_gates.data(), to_int(G), kernel, to_int(G), 0.0f, d_x, to_int(inputs_));
}

void Lstm::last(const PackedSequences& p, const State& s, float* out) const {
    for (std::size_t slot = 0; slot < p.slots(); ++slot) {
        float* o = out + slot * units_;
        if (p.lengths[slot] == 0) {
            std::fill(o, o + units_, 0.0f);
            continue;
        }
        const float* h = s.hidden.data() + p.entry(p.lengths[slot] - 1, slot) * units_;
        std::copy(h, h + units_, o);
    }
}

void Lstm::scatter_last(const PackedSequences& p, const float* d_last, float* d_hidden) const {
    std::fill(d_hidden, d_hidden + p.entries() * units_, 0.0f);
    for (std::size_t slot = 0; slot < p.slots(); ++slot) {
        if (p.lengths[slot] == 0) continue;
        const float* d = d_last + slot * units_;
        std::copy(d, d + units_, d_hidden + p.entry(p.lengths[slot] - 1, slot) * units_);
    }
}

}  // namespace newsclf
