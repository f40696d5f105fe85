#include "newsclf/model/prediction.hpp"

#include <algorithm>
#include <numeric>
#include <optional>

#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/base/parallel.hpp"

namespace newsclf {

void append_prediction_json(std::string& out, const Probabilities& p, const PredictionFormat& format, const std::string* id,
                            const Explanation* explanation) {
    std::size_t best = best_label(p);
    JsonWriter w(out);
    w.begin_object();
    if (id) w.member("id", *id);
    w.member("label", label_codes[best]).member("category", label_names[best]);
    w.key("probabilities").begin_object();
    std::array<std::size_t, label_count> order;
    std::iota(order.begin(), order.end(), 0);  // all four: in label order
    std::size_t k = std::min(format.top_k, label_count);
    if (k < label_count) order = ranked_labels(p);
    for (std::size_t i = 0; i < k; ++i) w.member(label_codes[order[i]], p[order[i]]);
    w.end_object();
    if (explanation) write_explanation_json(w.key("explanation"), *explanation);
    w.end_object();
}

void append_prediction_fasttext(std::string& out, const Probabilities& p, std::size_t top_k) {
    const auto order = ranked_labels(p);
    for (std::size_t i = 0; i < std::min(top_k, label_count); ++i) {
        if (i > 0) out += ' ';
        out += "__label__";
        out += label_codes[order[i]];
        out += ' ';
        out += json_float(p[order[i]]);
    }
}

std::vector<Probabilities> classify_batch(const Classifier& classifier, const HeadlineBatch& batch) {
    if (batch.size() == 1) return {classifier.classify(batch.titles[0])};  // no batch buffers for one
    return classifier.classify(batch.titles);
}

std::vector<Explanation> explain_batch(const Classifier& classifier, const HeadlineBatch& batch) {
    std::vector<Explanation> explanations;
    explanations.reserve(batch.size());
    for (const std::string& title : batch.titles) explanations.push_back(explain(classifier, title));
    return explanations;
}

void append_prediction_lines(std::string& out, const HeadlineBatch& batch, const std::vector<Probabilities>& predictions,
                             const PredictionFormat& format, const std::vector<Explanation>* explanations) {
    for (std::size_t i = 0; i < predictions.size(); ++i) {
        if (format.fasttext)
            append_prediction_fasttext(out, predictions[i], format.top_k);
        else
            append_prediction_json(out, predictions[i], format, batch.ids[i] ? &*batch.ids[i] : nullptr,
                                   explanations ? &(*explanations)[i] : nullptr);
        out += '\n';
    }
}

void predict_lines(LineReader& reader, const Classifier& classifier, RecordFormat format,
                   const PredictionFormat& prediction_format, std::size_t batch_lines, std::size_t threads,
                   const std::function<void(const std::string& lines)>& write, bool show_progress) {
    RecordReadOptions read_options;
    read_options.allow_empty_title = true;
    read_options.format = format;
    RecordLines records(reader.name(), read_options);
    // A batch of lines, read in order; its predictions made on a worker, written in order.
    struct Batch {
        std::string lines;  // each with its '\n'
        std::size_t first_line = 0;
        std::string output;
    };
    threads = std::max<std::size_t>(1, threads);
    const std::size_t window = 2 * threads + 2;
    std::vector<Batch> batches(window);
    std::optional<ProgressBar> bar;
    if (show_progress) bar.emplace(reader.total_bytes(), reader.name() + " ", "bytes");
    std::string line;
    ordered_pipeline(
        threads, window,
        [&](std::size_t k) {
            Batch& b = batches[k % window];
            b.lines.clear();
            b.first_line = reader.line_number() + 1;
            for (std::size_t n = 0; n < batch_lines && reader.next(line); ++n) {
                if (reader.line_number() == 1) records.see_first_line(line);
                (b.lines += line) += '\n';
            }
            return !b.lines.empty();
        },
        [&](std::size_t k) {
            Batch& b = batches[k % window];
            HeadlineBatch batch;
            NewsRecord r;
            std::size_t line_number = b.first_line;
            for (std::size_t start = 0; start < b.lines.size(); ++line_number) {
                const std::size_t nl = b.lines.find('\n', start);
                records.parse(std::string_view(b.lines).substr(start, nl - start), line_number, r);
                start = nl + 1;
                batch.add(std::move(r.title), std::move(r.id));
            }
            b.output.clear();
            if (prediction_format.explain) {
                const std::vector<Explanation> explanations = explain_batch(classifier, batch);
                append_prediction_lines(b.output, batch, classify_batch(classifier, batch), prediction_format, &explanations);
            } else {
                append_prediction_lines(b.output, batch, classify_batch(classifier, batch), prediction_format);
            }
        },
        [&](std::size_t k) {
            if (bar) bar->update(reader.bytes_read());
            write(batches[k % window].output);
        });
}

}  // namespace newsclf
