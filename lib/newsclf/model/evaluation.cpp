// Labelled inputs into one corpus of the model's ids, and the metrics of a classifier on it.
#include "newsclf/model/evaluation.hpp"

#include <algorithm>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/text/records.hpp"
#include "newsclf/training/trainer.hpp"

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

}  // namespace

void add_labelled_input(TokenCorpus& corpus, const std::string& input, const Classifier& classifier,
                        const LabelledInputOptions& options) {
    const std::string source = display_name(input);
    InputBytes bytes = read_bytes(input);
    if (is_token_stream(bytes)) {
        add_token_stream(corpus, parse_token_stream(bytes, source), source, classifier, options.skip_bad);
        return;
    }
    RecordReadOptions read_options;
    read_options.format = parse_record_format(options.input_format);
    read_options.require_label = true;
    read_options.skip_bad = options.skip_bad;
    read_records(bytes, source, read_options, [&](NewsRecord&& r) {
        corpus.add(r.label, std::move(r.id), std::move(r.story), classifier.encode(r.title));
    });
}

MetricsAccumulator evaluate_rows(const Classifier& classifier, const TokenCorpus& corpus,
                                 const std::vector<std::size_t>& rows) {
    const std::vector<float> p = predict_rows(classifier.network(), classifier.model().parameters.data(), corpus, rows);
    MetricsAccumulator metrics;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Probabilities row;
        std::copy(p.begin() + static_cast<std::ptrdiff_t>(i * label_count),
                  p.begin() + static_cast<std::ptrdiff_t>((i + 1) * label_count), row.begin());
        metrics.add(corpus.labels[rows[i]], row);
    }
    return metrics;
}

}  // namespace newsclf
