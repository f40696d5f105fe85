// SequenceDense (the fused embedding + flatten + dense layer) against central finite differences,
// and its sparse product against the dense padded-and-flattened product it stands for.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <xtensor-blas/xlinalg.hpp>

#include "newsclf/base/random.hpp"
#include "newsclf/nn/sequence_dense.hpp"

#include "gradient_check.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

// Headlines over an embedding of 12 rows whose rows 0, 4 and 7 are zero: shorter than, equal to
// and longer than max_len 6, an empty one, and ones made only of zero rows.
struct Tokens {
    std::vector<std::vector<std::uint32_t>> rows = {
        {3, 1, 4, 1, 5},                    // shorter, one zero row
        {9, 2, 6, 5, 3, 5},                 // exactly max_len
        {8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2},  // longer: only the last 6 count
        {},                                 // empty
        {0, 4, 7, 0},                       // only zero rows
        {11},                               // a single token
        {10, 11, 1, 2, 3, 5, 6, 8, 9},      // longer again
    };
    TokenBatch batch() const {
        TokenBatch b;
        for (const auto& r : rows) b.push_back({r.data(), r.size()});
        return b;
    }
};

constexpr std::size_t max_len = 6, dim = 5, vocab_rows = 12;
const std::vector<std::size_t> zero_rows = {0, 4, 7};

// The padded, flattened input Keras feeds to Flatten -> Dense: pad_sequences(padding="pre",
// truncating="pre"), then one embedding row per position.
Matrix padded_flat_input(const Matrix& embedding, const std::vector<std::vector<std::uint32_t>>& rows, std::size_t len) {
    const std::size_t d = embedding.shape(1);
    Matrix x = xt::zeros<float>({rows.size(), len * d});
    for (std::size_t b = 0; b < rows.size(); ++b) {
        const auto& r = rows[b];
        const std::size_t kept = std::min(r.size(), len);
        for (std::size_t j = 0; j < kept; ++j) {
            const std::uint32_t w = r[r.size() - kept + j];
            const std::size_t position = len - kept + j;
            for (std::size_t k = 0; k < d; ++k) x(b, position * d + k) = embedding(w, k);
        }
    }
    return x;
}

}  // namespace

TEST_CASE("SequenceDense gradients match central differences") {
    const Matrix embedding = random_embedding(vocab_rows, dim, 7, zero_rows);
    const Tokens tokens;
    const TokenBatch batch = tokens.batch();
    // 1, 2, 4 and 8 units take the fixed-width kernels, 3 and 5 the general loop.
    for (std::size_t units : {1, 2, 3, 4, 5, 8}) {
        CAPTURE(units);
        SequenceDense layer(&embedding, max_len, units);
        PythonRandom rng(100 + units);
        std::vector<float> params = uniform_vector(rng, layer.parameter_count());
        const std::vector<float> weights = uniform_vector(rng, batch.size() * units);
        std::vector<float> out(batch.size() * units);
        auto objective = [&] {
            layer.forward(params.data(), batch, out.data());
            return weighted_sum(out, weights);
        };
        std::vector<float> grads(layer.parameter_count(), 0.0f);
        layer.backward(batch, weights.data(), grads.data());
        require_gradient_matches(grads, central_differences(params, 1e-2f, objective));

        std::size_t untouched = 0;
        for (std::size_t i = 0; i < layer.kernel_size(); ++i) untouched += grads[i] == 0.0f;
        CHECK(untouched == 0);  // every position is reached by some non-zero row in this batch

        // backward adds into grads
        std::vector<float> again(grads.size(), 1.0f);
        layer.backward(batch, weights.data(), again.data());
        for (std::size_t i = 0; i < grads.size(); ++i) CHECK(again[i] == doctest::Approx(grads[i] + 1.0f).epsilon(1e-6));
    }
}

TEST_CASE("SequenceDense skips zero embedding rows and truncated tokens") {
    const Matrix embedding = random_embedding(vocab_rows, dim, 7, zero_rows);
    SequenceDense layer(&embedding, max_len, 3);
    PythonRandom rng(5);
    std::vector<float> params = uniform_vector(rng, layer.parameter_count());
    const std::vector<std::uint32_t> zeros = {0, 4, 7, 0, 4, 7, 0, 4, 7};
    const std::vector<std::uint32_t> prefixed = {1, 2, 3, 9, 2, 6, 5, 3, 5};  // the last six are {9, 2, 6, 5, 3, 5}
    const std::vector<std::uint32_t> last_six = {9, 2, 6, 5, 3, 5};
    TokenBatch batch = {{zeros.data(), zeros.size()}, {prefixed.data(), prefixed.size()}, {last_six.data(), last_six.size()}};
    std::vector<float> out(batch.size() * 3);
    layer.forward(params.data(), batch, out.data());
    for (std::size_t u = 0; u < 3; ++u) {
        CHECK(out[u] == params[layer.kernel_size() + u]);  // only the bias
        CHECK(out[3 + u] == out[6 + u]);                   // truncated at the front
    }
    std::vector<float> grads(layer.parameter_count(), 0.0f);
    const std::vector<float> d_out = {1, 1, 1, 0, 0, 0, 0, 0, 0};
    layer.backward(batch, d_out.data(), grads.data());
    for (std::size_t i = 0; i < layer.kernel_size(); ++i) CHECK(grads[i] == 0.0f);
    for (std::size_t u = 0; u < 3; ++u) CHECK(grads[layer.kernel_size() + u] == 1.0f);
}

TEST_CASE("SequenceDense equals the dense product of the padded, flattened input") {
    SUBCASE("the small batch, every kernel width") {
        const Matrix embedding = random_embedding(vocab_rows, dim, 11, zero_rows);
        const Tokens tokens;
        for (std::size_t units : {1, 2, 3, 4, 5, 8}) {
            CAPTURE(units);
            SequenceDense layer(&embedding, max_len, units);
            PythonRandom rng(200 + units);
            const std::vector<float> params = uniform_vector(rng, layer.parameter_count());
            std::vector<float> out(tokens.rows.size() * units);
            layer.forward(params.data(), tokens.batch(), out.data());

            const Matrix x = padded_flat_input(embedding, tokens.rows, max_len);
            Matrix kernel = xt::zeros<float>({layer.fan_in(), units});
            std::copy(params.begin(), params.begin() + layer.kernel_size(), kernel.begin());
            Matrix expected = xt::linalg::dot(x, kernel);
            for (std::size_t b = 0; b < tokens.rows.size(); ++b)
                for (std::size_t u = 0; u < units; ++u) {
                    expected(b, u) += params[layer.kernel_size() + u];
                    CHECK(out[b * units + u] == doctest::Approx(expected(b, u)).epsilon(1e-5).scale(1.0));
                }
        }
    }
    SUBCASE("the workshop's shape: max_len 100, 100 dimensions, 2 units") {
        const std::size_t len = 100, d = 100, rows = 300;
        std::vector<std::size_t> zero;
        for (std::size_t r = 0; r < rows; r += 3) zero.push_back(r);  // a third of the words have no vector
        const Matrix embedding = random_embedding(rows, d, 13, zero);
        PythonRandom rng(17);
        std::vector<std::vector<std::uint32_t>> headlines;
        for (std::size_t n : {0, 1, 7, 12, 99, 100, 101, 250}) {
            std::vector<std::uint32_t> h(n);
            for (auto& w : h) w = static_cast<std::uint32_t>(rng.randbelow(rows));
            headlines.push_back(h);
        }
        TokenBatch batch;
        for (const auto& h : headlines) batch.push_back({h.data(), h.size()});
        SequenceDense layer(&embedding, len, 2);
        const std::vector<float> params = uniform_vector(rng, layer.parameter_count(), -0.2, 0.2);
        std::vector<float> out(batch.size() * 2);
        layer.forward(params.data(), batch, out.data());

        const Matrix x = padded_flat_input(embedding, headlines, len);
        Matrix kernel = xt::zeros<float>({layer.fan_in(), std::size_t(2)});
        std::copy(params.begin(), params.begin() + layer.kernel_size(), kernel.begin());
        const Matrix expected = xt::linalg::dot(x, kernel);
        for (std::size_t b = 0; b < batch.size(); ++b)
            for (std::size_t u = 0; u < 2; ++u)
                CHECK(out[b * 2 + u] == doctest::Approx(expected(b, u) + params[layer.kernel_size() + u]).epsilon(1e-4).scale(1.0));
    }
}
