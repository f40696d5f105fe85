// GloVe and word2vec/fastText .vec word-vector text from untrusted bytes, into the embedding
// matrix of a small vocabulary, as newsclf-embed builds it.
// Input: one byte whose low three bits give the matrix's dimension less one, then the text.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/formats/embeddings.hpp"

using namespace newsclf;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    set_verbosity(0);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Vocabulary vocabulary({"the", "to", "of", "in", "apple", "google", "stocks", "ebola", "fed", "kardashian"});
    if (size < 1) return 0;
    const std::size_t dimension = 1 + (data[0] & 7);
    const std::size_t rows = vocabulary.size() + 1 + ((data[0] >> 3) & 1);
    std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        EmbeddingMatrix m = build_embedding_matrix(text, "fuzz", vocabulary, rows, dimension);
        if (m.weights.shape(0) != rows || m.weights.shape(1) != dimension || m.found > vocabulary.size()) __builtin_trap();
        for (float x : m.weights)
            if (!std::isfinite(x)) __builtin_trap();  // refused where they enter
    } catch (const Error&) {
    }
    return 0;
}
