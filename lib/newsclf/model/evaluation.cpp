// Labelled inputs into one corpus of the model's ids, and the metrics of a classifier on it.
#include "newsclf/model/evaluation.hpp"

#include <algorithm>
#include <cstdio>

#include <simdjson.h>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/text/records.hpp"
#include "newsclf/training/trainer.hpp"
#include "newsclf/model/fitting.hpp"

namespace newsclf {

namespace {

void add_token_stream(TokenCorpus& corpus, TokenStream ts, const std::string& source, const Classifier& classifier,
                      bool skip_bad) {
    if (!is_prefix_of(classifier.model().vocabulary, ts.info.vocabulary))
        throw DataError(source + ": the token stream was made with another vocabulary than the model's; "
                        "give the headlines as TSV or JSON Lines, or tokenize them with the model's vocabulary");
    drop_ids_beyond(ts.corpus, classifier.model().vocabulary.size());
    std::size_t skipped = 0;
    for (std::size_t i = 0; i < ts.corpus.size(); ++i) {
        if (ts.corpus.labels[i] < 0) {
            if (!skip_bad) throw DataError(source + ": record " + std::to_string(i + 1) + " has no category");
            ++skipped;
            continue;
        }
        std::vector<std::uint32_t> tokens(ts.corpus.tokens_of(i), ts.corpus.tokens_of(i) + ts.corpus.length(i));
        corpus.add(ts.corpus.labels[i], ts.corpus.ids[i], ts.corpus.stories[i], tokens);
    }
    // As read_records does for headlines: the count, then a failure when nothing is left.
    if (skipped > 0)
        log_info(source + ": skipped " + std::to_string(skipped) + " unlabelled record(s) of " +
                 std::to_string(ts.corpus.size()));
    if (skipped > 0 && skipped == ts.corpus.size())
        throw DataError(source + ": no labelled records: all " + std::to_string(skipped) +
                        " record(s) have no category and were skipped");
}

// The rows of a --validation file the training metadata counts in "rows" (its validation_rows
// when it names one), since they are not in the training data's stream.
std::uint64_t validation_file_rows(simdjson::dom::element training) {
    std::uint64_t rows = 0;
    std::string_view crc;
    if (training["validation_crc32"].get(crc) || training["validation_rows"].get(rows)) return 0;
    return rows;
}

}  // namespace

RecordReadOptions labelled_record_options(const LabelledInputOptions& options) {
    RecordReadOptions read_options;
    read_options.format = parse_record_format(options.input_format);
    read_options.require_label = true;
    read_options.skip_bad = options.skip_bad;
    return read_options;
}

DataOrigin add_labelled_input(TokenCorpus& corpus, const std::string& input, const Classifier& classifier,
                              const LabelledInputOptions& options) {
    return add_labelled_bytes(corpus, read_bytes(input), display_name(input), classifier, options);
}

DataOrigin add_labelled_bytes(TokenCorpus& corpus, std::string_view bytes, const std::string& source,
                              const Classifier& classifier, const LabelledInputOptions& options) {
    if (is_token_stream(bytes)) {
        TokenStream ts = parse_token_stream(bytes, source);
        const std::uint32_t checksum = ts.checksum;
        add_token_stream(corpus, std::move(ts), source, classifier, options.skip_bad);
        return {source, checksum};
    }
    read_records(bytes, source, labelled_record_options(options), [&](NewsRecord&& r) {
        corpus.add(r.label, std::move(r.id), std::move(r.story), classifier.encode(r.title, r.words));
    });
    return {source, std::nullopt};
}

std::vector<std::size_t> evaluation_rows(const TokenCorpus& corpus, const std::string& subset, const Model& model,
                                         const std::vector<DataOrigin>& origins) {
    simdjson::dom::parser parser;
    simdjson::dom::element training;
    std::string_view data_crc32;
    std::uint64_t rows = 0;
    // Models without training metadata (hand-made, or older files) cannot be checked.
    if (subset == "all" || model.training_json.empty() || parser.parse(model.training_json).get(training) ||
        training["data_crc32"].get(data_crc32) || training["rows"].get(rows))
        return subset_rows(corpus, subset, model);
    std::string sources;
    for (const auto& o : origins) sources += (sources.empty() ? "" : ", ") + o.source;
    const std::string what_to_do = "; --subset " + subset + " recomputes the split of the data the model was trained "
                                   "on, so give that token stream, or evaluate other data with --subset all";
    if (origins.size() == 1 && origins[0].token_stream_crc) {
        char crc[16];
        std::snprintf(crc, sizeof crc, "%08x", *origins[0].token_stream_crc);
        if (crc != data_crc32)
            throw UsageError(sources + ": another token stream than the model was trained on (its CRC-32 is " + crc +
                             ", the model's training data's " + std::string(data_crc32) + ")" + what_to_do);
    } else if (corpus.size() != rows - validation_file_rows(training)) {
        throw UsageError(sources + ": " + std::to_string(corpus.size()) + " rows, but the model was trained on " +
                         std::to_string(rows - validation_file_rows(training)) + what_to_do);
    }
    return subset_rows(corpus, subset, model);
}

MetricsAccumulator evaluate_rows(const Classifier& classifier, const TokenCorpus& corpus,
                                 const std::vector<std::size_t>& rows, std::vector<std::int8_t>* predicted) {
    // In slices, for the progress bar of a long evaluation.
    constexpr std::size_t slice = 8192;
    std::vector<float> p;
    p.reserve(rows.size() * label_count);
    ProgressBar bar(rows.size(), "evaluating ", "rows");
    for (std::size_t begin = 0; begin < rows.size(); begin += slice) {
        bar.update(begin);
        const std::vector<std::size_t> part(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                            rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), begin + slice)));
        const std::vector<float> q = predict_rows(classifier.network(), classifier.model().parameters.data(), corpus, part);
        p.insert(p.end(), q.begin(), q.end());
    }
    bar.finish();
    MetricsAccumulator metrics;
    if (predicted) predicted->assign(rows.size(), no_label);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Probabilities row;
        std::copy(p.begin() + static_cast<std::ptrdiff_t>(i * label_count),
                  p.begin() + static_cast<std::ptrdiff_t>((i + 1) * label_count), row.begin());
        metrics.add(corpus.labels[rows[i]], row);
        if (predicted) (*predicted)[i] = static_cast<std::int8_t>(best_label(row));
    }
    return metrics;
}

ResampledRows resampled_rows(const TokenCorpus& corpus, const std::vector<std::size_t>& rows, const std::string& unit) {
    ResampledRows r;
    r.labels.resize(rows.size());
    std::vector<std::string> stories(rows.size());
    bool has_stories = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        r.labels[i] = corpus.labels[rows[i]];
        stories[i] = corpus.stories[rows[i]];
        has_stories = has_stories || !stories[i].empty();
    }
    if (unit == "story" && !has_stories)
        throw UsageError("--bootstrap-unit story: the rows have no stories (a TSV's STORY field, JSON \"story\"); "
                         "use --bootstrap-unit row or auto");
    r.unit = unit == "row" || !has_stories ? ResampleUnit::row : ResampleUnit::story;
    r.unit_of_row = resampling_units(stories, r.unit);
    return r;
}

std::vector<std::int8_t> read_predicted_labels(std::string_view bytes, const std::string& source, std::size_t rows) {
    std::vector<std::int8_t> labels;
    labels.reserve(rows);
    simdjson::dom::parser parser;
    std::string_view text = without_utf8_bom(bytes);
    std::size_t line = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view l = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line;
        while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        if (line > rows)
            throw DataError(where(source, line) + "more predictions than the " + std::to_string(rows) +
                            " rows evaluated; give one a row, in the rows' order");
        std::string_view code = l;
        if (!l.empty() && l.front() == '{') {
            simdjson::dom::element e;
            if (parser.parse(l.data(), l.size()).get(e) || e["label"].get(code))
                throw DataError(where(source, line) + "a JSON line without a \"label\" string");
        }
        const int label = label_index(code);
        if (label == no_label)
            throw DataError(where(source, line) + "unknown label " + json_string(code) +
                            ": a prediction is b, t, e or m, or a JSON line with \"label\"");
        labels.push_back(static_cast<std::int8_t>(label));
    }
    if (labels.size() != rows)
        throw DataError(where(source, line + 1) + "end of the predictions after " + std::to_string(labels.size()) +
                        " line(s), but " + std::to_string(rows) + " rows are evaluated; give one a row, in the rows' order");
    return labels;
}

}  // namespace newsclf
