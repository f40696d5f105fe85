// A loaded model ready to classify headlines: text -> token ids -> probabilities, one path for
// newsclf-predict, newsclf-eval and the server.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsclf/base/labels.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/nn/network.hpp"

namespace newsclf {

// Token ids of a headline under a normaliser and vocabulary; words outside it are dropped.
std::vector<std::uint32_t> encode_title(std::string_view title, const NormalizerSettings& normalizer,
                                        const Vocabulary& vocabulary);

class Classifier {
public:
    // source: the file the model came from, named by the errors of a model that does not fit
    // its network or fails its self-tests.
    explicit Classifier(Model model, std::string source = "the model");
    Classifier(const Classifier&) = delete;
    Classifier& operator=(const Classifier&) = delete;

    const Model& model() const { return model_; }
    // Moves the model out (a model file of hundreds of megabytes is not copied); the classifier is
    // not to be used afterwards.
    Model release() { return std::move(model_); }
    // The network the model predicts with: its arch's, at the model's temperature.
    const Network& network() const { return *network_; }
    // Its arch's network alone, before the temperature (the probabilities are
    // softmax(temperature * log p) of this one's p).
    const Network& uncalibrated_network() const { return *uncalibrated_; }
    // words: the title is words already (see word_settings).
    std::vector<std::uint32_t> encode(std::string_view title, bool words = false) const;
    Probabilities classify(std::string_view title) const;
    std::vector<Probabilities> classify(const std::vector<std::string>& titles) const;
    // The probabilities of titles already encoded, whose token ids lie in `ids`, title i ending at ends[i].
    std::vector<Probabilities> predict(const std::vector<std::uint32_t>& ids, const std::vector<std::size_t>& ends) const;

    // The headlines stored with a model and checked on every load.
    static const std::vector<std::string>& self_test_titles();
    std::vector<SelfTest> run_self_tests() const;
    // Throws FormatError, naming the source, when the stored self-tests do not give the stored
    // probabilities.
    void check_self_tests() const;
    void check_self_tests(const std::string& source) const;

private:
    Model model_;
    std::string source_;
    std::unique_ptr<Network> network_;
    const Network* uncalibrated_ = nullptr;  // network_ itself, or the one it wraps
};

// Reads, parses and self-tests a model file (or a directory holding one).
std::unique_ptr<Classifier> load_classifier(const std::string& path);

}  // namespace newsclf
