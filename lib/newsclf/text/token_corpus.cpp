#include "newsclf/text/token_corpus.hpp"

namespace newsclf {

void TokenCorpus::add(int label, std::string id, std::string story, const std::vector<std::uint32_t>& ids_of_words) {
    labels.push_back(static_cast<std::int8_t>(label));
    ids.push_back(std::move(id));
    stories.push_back(std::move(story));
    tokens.insert(tokens.end(), ids_of_words.begin(), ids_of_words.end());
    offsets.push_back(tokens.size());
}

void drop_ids_beyond(TokenCorpus& corpus, std::size_t words) {
    std::size_t out = 0;
    for (std::size_t r = 0; r < corpus.size(); ++r) {
        const std::size_t begin = corpus.offsets[r], end = corpus.offsets[r + 1];
        corpus.offsets[r] = out;
        for (std::size_t i = begin; i < end; ++i)
            if (corpus.tokens[i] <= words) corpus.tokens[out++] = corpus.tokens[i];
    }
    corpus.offsets[corpus.size()] = out;
    corpus.tokens.resize(out);
}

}  // namespace newsclf
