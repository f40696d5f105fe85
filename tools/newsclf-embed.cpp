// newsclf-embed: word vectors (GloVe text or .vec) + vocabulary -> embedding matrix (.npy).
#include <cstdio>

#include "newsclf/formats/embeddings.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/formats/npy.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::string vectors = "-";
    std::string vocab;
    std::string output = "-";
    std::size_t dim = default_vector_dimension;
    std::size_t rows = 0;
};

void run(const Options& o) {
    refuse_output_over_inputs(o.output, {o.vectors, o.vocab});
    InputBytes vocab_bytes = read_bytes(o.vocab);
    Vocabulary vocabulary;
    std::size_t rows = o.rows;
    if (is_token_stream(vocab_bytes)) {
        TokenStream ts = parse_token_stream(vocab_bytes, o.vocab);
        vocabulary = std::move(ts.info.vocabulary);
        if (rows == 0) rows = ts.info.max_words;
    } else {
        vocabulary = parse_vocabulary(vocab_bytes, o.vocab);
    }
    if (rows == 0) rows = vocabulary.size() + 1;
    InputBytes text = read_bytes(o.vectors);
    EmbeddingMatrix m = build_embedding_matrix(text, display_name(o.vectors), vocabulary, rows, o.dim);
    char line[200];
    std::snprintf(line, sizeof line, "coverage: %zu of %zu words (%.1f%%) have a vector; %zu vectors read",
                  m.found, vocabulary.size(), vocabulary.size() ? 100.0 * m.found / vocabulary.size() : 0.0, m.vectors);
    log_info(line);
    write_bytes(o.output, npy_bytes(m.weights));
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-embed",
                     "Build the embedding matrix of a vocabulary from word vectors (GloVe text, or word2vec/fastText "
                     ".vec text with its header line); words without a vector get a zero row.",
                     [](CLI::App& app) {
                         app.add_option("vectors", o.vectors, "word vector file (\"-\" is stdin; .xz and .gz are read too)");
                         app.add_option("--vocab", o.vocab, "vocabulary file (one word a line, or JSON), or a token stream")->required();
                         app.add_option("-o,--output", o.output, "output .npy file (\"-\" is stdout)");
                         // The bounds keep a mistyped number from a size no memory holds (or, negative,
                         // from wrapping to one): a usage error rather than "out of memory".
                         app.add_option("--dim", o.dim, "dimension of the vectors, 1 to 65536")
                             ->check(number_between(1, 65536, true, ""));
                         app.add_option("--rows", o.rows,
                                        "rows of the matrix, at most 2^31 (0: the token stream's max_words, or "
                                        "vocabulary size + 1)")
                             ->check(number_between(0, 2147483648.0, true, ""));
                         return [] { run(o); };
                     });
}
