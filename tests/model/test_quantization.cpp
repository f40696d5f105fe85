// Unit tests of quantization.hpp: which rows a cutoff keeps (a bag's word and n-gram rows ranked
// together, a linear model's idf following its weights), that they keep their indices through
// the model file, the self-tests of the quantized values, and the models it refuses.
#include "newsclf/model/quantization.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "newsclf/archs/architecture.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/model_file.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

const std::vector<std::string> words = {"fed", "rates", "stocks", "apple", "iphone", "google", "kim",
                                        "wedding", "film", "ebola", "vaccine", "cancer", "oil", "bank"};

// A model of the arch with random parameters (a linear model's idf positive) and its self-tests;
// vectors: a linear model's word vectors.
Model random_model(const Settings& settings, const Matrix& vectors = {}) {
    Model m;
    m.options = fit_options(settings);
    m.vocabulary = Vocabulary(words);
    m.embedding = vectors;
    auto network = architecture(m.options.arch).network(m);
    PythonRandom rng(3);
    m.parameters = uniform_vector(rng, network->parameter_count(), -1.0, 1.0);
    for (const auto& b : network->parameter_blocks())
        if (b.name == "idf" || b.name == "temperature")
            for (std::size_t i = 0; i < b.size(); ++i) m.parameters[b.offset + i] = 1.0f + std::fabs(m.parameters[b.offset + i]);
    round_to_storage(m);
    m.self_tests = Classifier(m).run_self_tests();
    return m;
}

ParameterBlock block(const Model& m, const std::string& name) {
    for (const auto& b : architecture(m.options.arch).network(m)->parameter_blocks())
        if (b.name == name) return b;
    FAIL("no block " << name);
    return {};
}

bool zero_row(const Model& m, const ParameterBlock& b, std::size_t r) {
    const std::size_t cols = b.size() / b.shape[0];
    const float* row = m.parameters.data() + b.offset + r * cols;
    return std::all_of(row, row + cols, [](float v) { return v == 0.0f; });
}

// What the bag's row moves the class scores by, less their mean, squared.
double bag_row_weight(const Model& m, const ParameterBlock& table, std::size_t r, std::size_t first_input) {
    const ParameterBlock kernel = block(m, "output.kernel");
    const std::size_t cols = table.shape[1];
    std::array<double, 4> scores{};
    for (std::size_t c = 0; c < cols; ++c)
        for (std::size_t k = 0; k < 4; ++k)
            scores[k] += m.parameters[table.offset + r * cols + c] * m.parameters[kernel.offset + (first_input + c) * 4 + k];
    const double mean = (scores[0] + scores[1] + scores[2] + scores[3]) / 4;
    double sum = 0;
    for (double s : scores) sum += (s - mean) * (s - mean);
    return sum;
}

const Settings bag_settings = {{"arch", "bag"}, {"dim", "6"}, {"ngram_dim", "3"}, {"buckets", "40"}};

}  // namespace

TEST_CASE("a bag's cutoff keeps the word and n-gram rows that move the class scores most, at their indices") {
    const Model original = random_model(bag_settings);
    Model q = original;
    const auto tables = quantize_model(q, {20, 4});
    REQUIRE(tables.size() == 2);
    CHECK(tables[0].name == "word_vectors");
    CHECK(tables[1].name == "ngram_vectors");
    CHECK(tables[0].rows == words.size() + 1);
    CHECK(tables[1].rows == 40);
    CHECK(tables[0].kept + tables[1].kept == 20);
    // Every kept row weighs at least as much as every pruned one, in the original model.
    const ParameterBlock w = block(original, "word_vectors"), n = block(original, "ngram_vectors");
    double least_kept = 1e300, most_pruned = 0;
    for (const auto& [table, first_input] : {std::pair{w, std::size_t{0}}, std::pair{n, std::size_t{6}}})
        for (std::size_t r = 0; r < table.shape[0]; ++r) {
            const double weight = bag_row_weight(original, table, r, first_input);
            if (zero_row(q, table, r))
                most_pruned = std::max(most_pruned, weight);
            else
                least_kept = std::min(least_kept, weight);
        }
    CHECK(most_pruned <= least_kept);
    // The file keeps each row at its index (its bitmap is the remap) and reads back the same values.
    const std::string bytes = model_bytes(q);
    CHECK(bytes.size() < model_bytes(original).size());
    ByteReader header(bytes, "q");
    CHECK(read_header(header, format::model_kind, format::model_major).minor == format::model_minor_quantized);
    Model read = parse_model(bytes, "q");
    CHECK(read.table_storage == Storage::q4);
    CHECK(read.parameters == q.parameters);
    CHECK(model_bytes(read) == bytes);
    Classifier loaded(std::move(read), "q");
    CHECK_NOTHROW(loaded.check_self_tests());
    // Pruned and quantized, the model still answers about as before on its self-test titles.
    const auto before = Classifier(original).classify(Classifier::self_test_titles());
    const auto after = loaded.classify(Classifier::self_test_titles());
    for (std::size_t i = 0; i < before.size(); ++i)
        for (std::size_t c = 0; c < 4; ++c) CHECK(std::fabs(before[i][c] - after[i][c]) < 0.5f);
}

TEST_CASE("without a cutoff every row stays, within half a q8 step") {
    const Model original = random_model(bag_settings);
    Model q = original;
    const auto tables = quantize_model(q, {});
    CHECK(tables[0].kept == words.size() + 1);  // the padding row too: random here
    CHECK(tables[1].kept == 40);
    const ParameterBlock w = block(original, "word_vectors");
    for (std::size_t i = 0; i < w.size(); ++i)
        CHECK(std::fabs(q.parameters[w.offset + i] - original.parameters[w.offset + i]) <= 1.0f / 127 * 0.502f);
    CHECK(parse_model(model_bytes(q), "q").table_storage == Storage::q8);
}

TEST_CASE("a linear model's idf loses the rows its weights lose") {
    const Model original = random_model({{"arch", "linear"}, {"buckets", "64"}});
    Model q = original;
    const auto tables = quantize_model(q, {30, 8});
    REQUIRE(tables.size() == 2);
    CHECK(tables[0].name == "weights");
    CHECK(tables[0].kept == 30);
    CHECK(tables[1].kept == 30);
    const ParameterBlock weights = block(q, "weights"), idf = block(q, "idf");
    for (std::size_t r = 0; r < weights.shape[0]; ++r) {
        CAPTURE(r);
        CHECK(zero_row(q, weights, r) == (q.parameters[idf.offset + r] == 0.0f));
        if (q.parameters[idf.offset + r] != 0.0f)
            CHECK(std::fabs(q.parameters[idf.offset + r] - original.parameters[idf.offset + r]) < 0.01f);
    }
    CHECK(parse_model(model_bytes(q), "q").parameters == q.parameters);
}

TEST_CASE("a linear model's word vectors are quantized with its tables, every row kept, and the file keeps them so") {
    const Matrix vectors = random_embedding(words.size() + 1, 5, 9);
    const Model original = random_model({{"arch", "linear"}, {"buckets", "64"}}, vectors);
    REQUIRE(block(original, "vector_weights").shape == std::vector<std::size_t>{5, 4});
    Model q = original;
    const auto tables = quantize_model(q, {30, 4});
    REQUIRE(tables.size() == 3);
    CHECK(tables[2].name == "embedding");
    CHECK(tables[2].kept == words.size() + 1 - 3);  // random_embedding's rows 0, 3 and 9 are zeros
    for (std::size_t r = 0; r < vectors.shape(0); ++r) {
        float largest = 0;
        for (std::size_t d = 0; d < 5; ++d) largest = std::max(largest, std::fabs(vectors(r, d)));
        for (std::size_t d = 0; d < 5; ++d) CHECK(std::fabs(q.embedding(r, d) - vectors(r, d)) <= largest / 7 * 0.502f);
    }
    const std::string bytes = model_bytes(q);
    CHECK(bytes.size() < model_bytes(original).size());
    const Model back = parse_model(bytes, "q");
    CHECK(back.table_storage == Storage::q4);
    CHECK(back.embedding == q.embedding);
    CHECK(back.parameters == q.parameters);
    Classifier(back).check_self_tests("q");
}

TEST_CASE("only bag and linear models quantize, to 8 or 4 bits; the others stay format 1.2") {
    Model mlp;
    mlp.vocabulary = Vocabulary(words);
    CHECK(contains(message_of<UsageError>([&] { quantize_model(mlp, {}); }), "only bag and linear"));
    Model bag = random_model(bag_settings);
    CHECK(contains(message_of<UsageError>([&] { quantize_model(bag, {0, 5}); }), "bits"));
    const std::string bytes = model_bytes(bag);
    ByteReader header(bytes, "bag");
    CHECK(read_header(header, format::model_kind, format::model_major).minor == format::model_minor);
}
