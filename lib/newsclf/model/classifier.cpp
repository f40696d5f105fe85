#include "newsclf/model/classifier.hpp"

#include <cmath>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/text/tokenizer.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/nn/temperature.hpp"

namespace newsclf {

namespace {

// Appends the ids of a title's words in the vocabulary.
void append_title_ids(std::string_view title, const NormalizerSettings& normalizer, const Vocabulary& vocabulary,
                      std::vector<std::uint32_t>& ids) {
    for_each_token(title, normalizer, [&](std::string_view word) {
        if (std::uint32_t id = vocabulary.index_of(word)) ids.push_back(id);
    });
}

}  // namespace

std::vector<std::uint32_t> encode_title(std::string_view title, const NormalizerSettings& normalizer,
                                        const Vocabulary& vocabulary) {
    std::vector<std::uint32_t> ids;
    append_title_ids(title, normalizer, vocabulary, ids);
    return ids;
}

namespace {

// The arch's network, at the model's temperature.
std::unique_ptr<Network> network_of(const Model& model, const std::string& source) {
    std::unique_ptr<Network> network;
    try {
        network = architecture(model.options.arch).network(model);
    } catch (const UsageError& e) {
        throw FormatError(source + ": " + e.what() + "; the file is corrupt");
    }
    if (model.temperature == 1.0) return network;
    return std::make_unique<TemperatureScaledNetwork>(std::move(network), model.temperature, label_count);
}

}  // namespace

Classifier::Classifier(Model model, std::string source)
    : model_(std::move(model)), source_(std::move(source)), network_(network_of(model_, source_)) {
    const auto* scaled = dynamic_cast<const TemperatureScaledNetwork*>(network_.get());
    uncalibrated_ = scaled ? &scaled->inner() : network_.get();
    if (network_->parameter_count() != model_.parameters.size())
        throw FormatError(source_ + ": the model's parameters do not fit its network; the file is corrupt");
}

std::vector<std::uint32_t> Classifier::encode(std::string_view title, bool words) const {
    return encode_title(title, words ? word_settings(model_.normalizer) : model_.normalizer, model_.vocabulary);
}

std::vector<Probabilities> Classifier::classify(const std::vector<std::string>& titles) const {
    // Every title's ids in one buffer, and where each ends.
    std::vector<std::uint32_t> ids;
    std::vector<std::size_t> ends(titles.size());
    for (std::size_t i = 0; i < titles.size(); ++i) {
        append_title_ids(titles[i], model_.normalizer, model_.vocabulary, ids);
        ends[i] = ids.size();
    }
    return predict(ids, ends);
}

Probabilities Classifier::classify(std::string_view title) const {
    std::vector<std::uint32_t> ids;
    append_title_ids(title, model_.normalizer, model_.vocabulary, ids);
    return predict(ids, {ids.size()})[0];
}

std::vector<Probabilities> Classifier::predict(const std::vector<std::uint32_t>& ids, const std::vector<std::size_t>& ends) const {
    TokenBatch batch(ends.size());
    for (std::size_t i = 0, start = 0; i < ends.size(); start = ends[i++]) batch[i] = {ids.data() + start, ends[i] - start};
    std::vector<Probabilities> out(ends.size());
    static_assert(sizeof(Probabilities) == label_count * sizeof(float));
    if (out.empty()) return out;  // no rows: no probabilities to point to
    network_->predict(model_.parameters.data(), batch, out.front().data());
    return out;
}

const std::vector<std::string>& Classifier::self_test_titles() {
    static const std::vector<std::string> titles = {
        "Why Exercise Alone May Not Be the Key to Weight Loss",
        "What Improved Tech Means for Electric, Self-Driving and Flying Cars",
        "Fed official says weak data caused by weather, should not slow taper",
        "Kim Kardashian and Kanye West's wedding: the guest list revealed",
    };
    return titles;
}

std::vector<SelfTest> Classifier::run_self_tests() const {
    std::vector<SelfTest> tests;
    auto probabilities = classify(self_test_titles());
    for (std::size_t i = 0; i < probabilities.size(); ++i) tests.push_back({self_test_titles()[i], probabilities[i]});
    return tests;
}

void Classifier::check_self_tests() const { check_self_tests(source_); }

void Classifier::check_self_tests(const std::string& source) const {
    std::vector<std::string> titles;
    for (const auto& t : model_.self_tests) titles.push_back(t.title);
    auto got = classify(titles);
    for (std::size_t i = 0; i < titles.size(); ++i)
        for (std::size_t c = 0; c < label_count; ++c)
            if (!(std::fabs(got[i][c] - model_.self_tests[i].probabilities[c]) <= 1e-4f))
                throw FormatError(source + ": self-test failed on \"" + titles[i] + "\" (" + std::string(label_codes[c]) +
                                  ": expected " + std::to_string(model_.self_tests[i].probabilities[c]) + ", got " +
                                  std::to_string(got[i][c]) + "); the model file is corrupt or was written by an "
                                  "incompatible newsclf");
}

std::unique_ptr<Classifier> load_classifier(const std::string& path) {
    std::string file = resolve_model_path(path);
    auto classifier = std::make_unique<Classifier>(parse_model(read_bytes(file), file), file);
    classifier->check_self_tests();
    return classifier;
}

}  // namespace newsclf
