// Word vectors from GloVe text files (and word2vec/fastText .vec text with its header line) into
// the embedding matrix of a vocabulary: row i holds word i's vector, rows without one are zero.
#pragma once
#include <string>
#include <string_view>

#include "newsclf/base/tensor.hpp"
#include "newsclf/text/vocabulary.hpp"

namespace newsclf {

struct EmbeddingMatrix {
    Matrix weights;            // rows x dimension; row 0 is padding
    std::size_t found = 0;     // vocabulary words that have a vector
    std::size_t vectors = 0;   // vectors in the file
};

// newsclf-embed's --dim: GloVe 6B 100d's.
constexpr std::size_t default_vector_dimension = 100;

// The dimension of the vectors of a vector file: its .vec header's, or the values of its first
// line; a DataError when the file is empty or its first line holds no vector.
std::size_t vector_file_dimension(std::string_view vector_text, const std::string& source);

// rows: at least vocabulary.size() + 1. dimension: what the matrix needs; a file of another
// dimension is a DataError naming its line. A word given twice keeps its last vector; of several
// bad lines, the first is named. Read on `threads` threads (0: one per CPU), with the same result
// whatever their number.
EmbeddingMatrix build_embedding_matrix(std::string_view vector_text, const std::string& source,
                                       const Vocabulary& vocabulary, std::size_t rows, std::size_t dimension,
                                       std::size_t threads = 0);

}  // namespace newsclf
