// The bundled sample (testdata/news.sample.tsv) as a token stream of every word, for the tests
// that train on real headlines.
#pragma once
#include <optional>
#include <string>

#include "newsclf/formats/corpus_builder.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/text/records.hpp"

#include "test_support.hpp"

namespace newsclf::test {

// The sample's first `rows` records (0: all of them).
inline TokenStream sample_stream(std::size_t rows = 0) {
    CorpusBuilder builder(NormalizerSettings{}, 0, std::nullopt);
    const std::string path = source_path("testdata/news.sample.tsv");
    const InputBytes bytes = read_bytes(path);
    RecordReadOptions options;
    read_records(bytes, path, options, [&](NewsRecord&& r) {
        if (rows == 0 || builder.size() < rows) builder.add(r);
    });
    return builder.finish();
}

}  // namespace newsclf::test
