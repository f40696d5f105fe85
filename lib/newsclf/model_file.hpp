// The model file: everything prediction needs in one newsclf container of kind "model":
// normaliser settings, vocabulary, embedding, weights, labels, training metadata, self-tests.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "newsclf/fit_options.hpp"
#include "newsclf/tensor.hpp"
#include "newsclf/text.hpp"
#include "newsclf/vocabulary.hpp"

namespace newsclf {

// A headline and the probabilities the model gave it when it was written; checked on load.
struct SelfTest {
    std::string title;
    std::array<float, 4> probabilities{};
};

struct Model {
    FitOptions options;
    NormalizerSettings normalizer;
    Vocabulary vocabulary;
    std::uint64_t max_words = 0;
    Matrix embedding;
    std::vector<float> parameters;  // the network's flat buffer
    std::string training_json;      // {"data_crc32": ..., "history": [...], ...}
    std::vector<SelfTest> self_tests;
};

std::string model_bytes(const Model& model);
bool is_model_file(std::string_view bytes);
// Reads a model container (no self-test: see load_classifier).
Model parse_model(std::string_view bytes, const std::string& source);
// A path that is a model file, or a directory holding "model.newsclf" or exactly one model file.
std::string resolve_model_path(const std::string& path);
// The readable view of a model file: its metadata and tensor shapes as one JSON object.
std::string model_summary_json(const Model& model);

}  // namespace newsclf
