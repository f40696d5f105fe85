// Headlines as token ids: the corpus that tokenisation makes and training and evaluation read.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace newsclf {

// Headlines as token ids, column by column: record i's tokens are tokens[offsets[i], offsets[i+1]).
struct TokenCorpus {
    std::vector<std::int8_t> labels;  // label index or -1
    std::vector<std::string> ids;
    std::vector<std::string> stories;
    std::vector<std::uint64_t> offsets{0};
    std::vector<std::uint32_t> tokens;
    std::size_t size() const { return labels.size(); }
    void add(int label, std::string id, std::string story, const std::vector<std::uint32_t>& ids_of_words);
    std::size_t length(std::size_t i) const { return offsets[i + 1] - offsets[i]; }
    const std::uint32_t* tokens_of(std::size_t i) const { return tokens.data() + offsets[i]; }
};

// The records' ids beyond `words` dropped.
void drop_ids_beyond(TokenCorpus& corpus, std::size_t words);

}  // namespace newsclf
