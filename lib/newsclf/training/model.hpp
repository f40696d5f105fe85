// A trained model in memory: what the model file holds and prediction needs.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "newsclf/training/fit_options.hpp"
#include "newsclf/base/tensor.hpp"
#include "newsclf/nn/network.hpp"
#include "newsclf/text/normalizer.hpp"
#include "newsclf/text/vocabulary.hpp"

namespace newsclf {

// A headline and the probabilities the model gave it when it was written; checked on load.
struct SelfTest {
    std::string title;
    std::array<float, 4> probabilities{};
};

struct Model {
    FitOptions options;
    NormalizerSettings normalizer;
    Vocabulary vocabulary;          // token id i + 1 is word i
    std::uint64_t max_words = 0;
    Matrix embedding;               // frozen input vectors (rows: vocabulary + 1); empty when the arch trains its own
    std::vector<float> parameters;  // the arch's flat buffer, laid out by its network's parameter_blocks()
    std::string training_json;      // {"data_crc32": ..., "history": [...], ...}
    std::vector<SelfTest> self_tests;
    std::vector<Model> members;     // ensemble: the models whose probabilities it combines
    // Temperature scaling of the network's probabilities (p^T, renormalised), fit after training;
    // 1 leaves them as they are. calibration_json: {"method": ..., "temperature": ..., ...}, empty
    // for models written before it existed.
    double temperature = 1.0;
    std::string calibration_json;
    Storage table_storage = Storage::f16;  // how its f16 blocks are written: f16, or q8 or q4 (newsclf-quantize)
};

}  // namespace newsclf
