// The inputs of a fit made from what a fastText or GloVe user has: headline files tokenised in
// process as `newsclf-tokenize --max-words 0` tokenises them, and word vector text made into the
// embedding matrix of their vocabulary as `newsclf-embed` makes it. newsclf-fit and the SageMaker
// training job both read headlines and word vectors through here, so that their models are those
// of the pipeline of tools, byte for byte.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "newsclf/base/tensor.hpp"
#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "newsclf/text/records.hpp"

namespace newsclf {

// Labelled headlines, read in turn, into one token stream.
class HeadlineTokenizer {
public:
    // Learns a vocabulary of every word (newsclf-tokenize --max-words 0), or applies `vocabulary`
    // (--vocab: a validation file, tokenised with the training data's words).
    explicit HeadlineTokenizer(RecordFormat format = RecordFormat::automatic,
                               std::optional<Vocabulary> vocabulary = std::nullopt);
    // Every record of one input; a record without a category is a DataError naming source, line
    // and field.
    void add(std::string_view bytes, const std::string& source);
    std::size_t size() const { return builder_.size(); }
    // The stream newsclf-tokenize writes for the same inputs, byte for byte.
    std::string token_stream_bytes() const;

private:
    CorpusBuilder builder_;
    RecordReadOptions options_;
};

// The embedding matrix of a token stream's vocabulary from word vectors (GloVe text, or .vec text
// with its header line), as `newsclf-embed --vocab TOKENS --dim D` builds it, D being the vector
// file's own dimension; logs how many of the words have a vector.
Matrix word_vector_matrix(std::string_view vector_text, const std::string& source, const TokenStreamInfo& info);

}  // namespace newsclf
