// Predictions as JSON lines, shared by newsclf-predict and the server: a batch of headlines
// classified at once, and one line per headline:
// {"label": "m", "category": "Health & Medicine", "probabilities": {"b": ..., "t": ..., "e": ..., "m": ...}},
// with "explanation" last when asked (explanation.hpp); or, as `fasttext predict-prob` writes
// them, "__label__m 0.93 __label__b 0.04 ...".
#pragma once
#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "newsclf/base/labels.hpp"
#include "newsclf/io/line_reader.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/explanation.hpp"
#include "newsclf/text/records.hpp"

namespace newsclf {

struct PredictionFormat {
    std::size_t top_k = 4;  // 4: all classes in label order; fewer: the k most probable, best first
    bool explain = false;   // each line with the explanation of its class
    bool fasttext = false;  // fastText's "__label__m 0.93 ..." lines: always best first, no id
};

// Appends "__label__m 0.93 __label__b 0.04 ..." (no newline): the top_k labels, best first.
void append_prediction_fasttext(std::string& out, const Probabilities& p, std::size_t top_k);

// Appends one JSON object (no newline); id is written first and explanation last when non-null.
void append_prediction_json(std::string& out, const Probabilities& p, const PredictionFormat& format,
                            const std::string* id = nullptr, const Explanation* explanation = nullptr);

// Headlines classified together, in order, each with the id its record carried.
struct HeadlineBatch {
    std::vector<std::string> titles;
    std::vector<std::optional<std::string>> ids;

    void add(std::string title, std::string id) {
        titles.push_back(std::move(title));
        ids.push_back(id.empty() ? std::nullopt : std::optional<std::string>(std::move(id)));
    }
    std::size_t size() const { return titles.size(); }
    void clear() {
        titles.clear();
        ids.clear();
    }
};

// The probabilities of every headline of the batch, from one pass of the network.
std::vector<Probabilities> classify_batch(const Classifier& classifier, const HeadlineBatch& batch);

// The explanation of every headline of the batch, in order.
std::vector<Explanation> explain_batch(const Classifier& classifier, const HeadlineBatch& batch);

// One line (with its '\n') per headline, in order: JSON, each with its id when it has one and
// its explanation when explanations are given (one a headline), or fastText's.
void append_prediction_lines(std::string& out, const HeadlineBatch& batch, const std::vector<Probabilities>& predictions,
                             const PredictionFormat& format, const std::vector<Explanation>* explanations = nullptr);

// Reads headline records (format automatic: from the first line) and classifies them batch_lines
// at a time, batches on `threads` workers; `write` gets the JSON lines of each batch, in input
// order, as soon as it and those before it are classified, so a batch_lines of 1 with one thread
// answers every line at once (interactive pipes). The lines are the same whatever the batches and
// threads. Empty titles are allowed. With prediction_format.explain, each line has its
// explanation. With show_progress, a bar on a terminal's stderr shows the bytes read (not when the
// predictions themselves go to that terminal).
void predict_lines(LineReader& reader, const Classifier& classifier, RecordFormat format,
                   const PredictionFormat& prediction_format, std::size_t batch_lines, std::size_t threads,
                   const std::function<void(const std::string& lines)>& write, bool show_progress = false);

}  // namespace newsclf
