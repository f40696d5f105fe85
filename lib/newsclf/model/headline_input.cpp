#include "newsclf/model/headline_input.hpp"

#include "newsclf/base/log.hpp"
#include "newsclf/formats/embeddings.hpp"

namespace newsclf {

HeadlineTokenizer::HeadlineTokenizer(RecordFormat format, std::optional<Vocabulary> vocabulary)
    : builder_(NormalizerSettings{}, 0, std::move(vocabulary)) {
    options_.format = format;
    options_.require_label = true;
}

void HeadlineTokenizer::add(std::string_view bytes, const std::string& source) {
    read_records(bytes, source, options_, [&](NewsRecord&& r) { builder_.add(r); });
}

std::string HeadlineTokenizer::token_stream_bytes() const { return newsclf::token_stream_bytes(builder_.finish()); }

Matrix word_vector_matrix(std::string_view vector_text, const std::string& source, const TokenStreamInfo& info) {
    EmbeddingMatrix m = build_embedding_matrix(vector_text, source, info.vocabulary, info.max_words,
                                               vector_file_dimension(vector_text, source));
    log_info(source + ": " + std::to_string(m.found) + " of " + std::to_string(info.vocabulary.size()) +
             " words have a vector");
    return std::move(m.weights);
}

}  // namespace newsclf
