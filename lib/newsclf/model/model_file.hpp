// The model file: everything prediction needs in one newsclf container of kind "model":
// normaliser settings, vocabulary, embedding, the arch's tensors, labels, training metadata,
// self-tests, and an ensemble's member models.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "newsclf/training/model.hpp"

namespace newsclf {

std::string model_bytes(const Model& model);
bool is_model_file(std::string_view bytes);
// Whether the file at path starts as a model file does (its first bytes alone are read).
bool file_holds_model(const std::string& path);
// Reads a model container (no self-test: see load_classifier).
Model parse_model(std::string_view bytes, const std::string& source);
// A path that is a model file, or a directory holding "model.newsclf" or exactly one model file.
std::string resolve_model_path(const std::string& path);
// The readable view of a model file: its metadata and tensor shapes as one JSON object.
std::string model_summary_json(const Model& model);

}  // namespace newsclf
