// The classifier: encoding with the model's normaliser and vocabulary, classification one by one
// and in batches, the self-tests and their failure naming the file, loading from a directory.
#include "newsclf/model/classifier.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "newsclf/archs/mlp.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/io/output_file.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

Model small_model() {
    Model m;
    m.options.max_len = 5;
    m.options.hidden_units = 3;
    m.vocabulary = Vocabulary({"health", "apple", "stocks"});
    m.max_words = 4;
    m.embedding = Matrix::from_shape({4, 2});
    const float rows[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t d = 0; d < 2; ++d) m.embedding(r, d) = rows[r][d];
    MlpNetwork network(&m.embedding, MlpShape{5, 3, 1, label_count});
    m.parameters.resize(network.parameter_count());
    PythonRandom rng(7);
    network.initialize(m.parameters.data(), rng);
    // A positive first layer keeps every hidden unit alive, so different titles get different answers.
    for (std::size_t i = 0; i < 5 * 2 * 3; ++i) m.parameters[i] = std::fabs(m.parameters[i]) + 0.1f;
    return m;
}

Model self_tested_model() {
    Model m = small_model();
    m.self_tests = Classifier(Model(m)).run_self_tests();
    return m;
}

}  // namespace

TEST_CASE("the classifier encodes with the model's normaliser and vocabulary") {
    Classifier c(small_model());
    CHECK(c.encode("Apple, Stocks & HEALTH news") == std::vector<std::uint32_t>{2, 3, 1});
    CHECK(c.encode("nothing known").empty());
    CHECK(encode_title("apple", c.model().normalizer, c.model().vocabulary) == std::vector<std::uint32_t>{2});
}

TEST_CASE("probabilities sum to one, and a batch gives what single titles give") {
    Classifier c(small_model());
    std::vector<std::string> titles = {"apple stocks", "health", "", "stocks stocks stocks stocks stocks stocks"};
    auto batch = c.classify(titles);
    REQUIRE(batch.size() == titles.size());
    for (std::size_t i = 0; i < titles.size(); ++i) {
        float sum = 0;
        for (float p : batch[i]) sum += p;
        CHECK(sum == doctest::Approx(1.0f).epsilon(1e-5));
        Probabilities one = c.classify(titles[i]);
        for (std::size_t k = 0; k < label_count; ++k) CHECK(one[k] == doctest::Approx(batch[i][k]).epsilon(1e-6));
    }
    CHECK(batch[0] != batch[1]);
    CHECK(c.classify(std::vector<std::string>{}).empty());
}

TEST_CASE("self-tests pass for the model that made them and fail for an altered one, naming the file") {
    Model m = self_tested_model();
    CHECK(m.self_tests.size() == Classifier::self_test_titles().size());
    CHECK_NOTHROW(Classifier(Model(m), "good.model").check_self_tests());
    Model altered = m;
    altered.parameters.back() += 0.5f;  // an output bias
    const std::string message = message_of<FormatError>([&] { Classifier(std::move(altered), "altered.model").check_self_tests(); });
    CHECK(contains(message, "altered.model: self-test failed on \""));
    CHECK(contains(message, "the model file is corrupt"));
}

TEST_CASE("a model that does not fit its network is refused, naming the file") {
    Model short_of_parameters = small_model();
    short_of_parameters.parameters.pop_back();
    CHECK(contains(message_of<FormatError>([&] { Classifier(std::move(short_of_parameters), "short.model"); }),
                   "short.model: the model's parameters do not fit its network"));
    Model unknown = small_model();
    unknown.options.arch = "no-such-arch";
    CHECK(contains(message_of<FormatError>([&] { Classifier(std::move(unknown), "unknown.model"); }), "unknown.model: "));
}

TEST_CASE("load_classifier reads a model file, or the one model file of a directory, and self-tests it") {
    TempDir dir;
    const Model m = self_tested_model();
    write_bytes(dir.file("news.model"), model_bytes(m));
    auto from_file = load_classifier(dir.file("news.model"));
    auto from_directory = load_classifier(dir.path);
    CHECK(from_directory->classify("apple stocks") == from_file->classify("apple stocks"));
    CHECK(from_file->classify("apple stocks") == Classifier(Model(m)).classify("apple stocks"));

    TempDir bad;
    Model altered = m;
    altered.parameters.back() += 0.5f;  // still a well-formed file, but its self-tests no longer hold
    write_bytes(bad.file("altered.model"), model_bytes(altered));
    CHECK(contains(message_of<FormatError>([&] { load_classifier(bad.path); }), bad.file("altered.model") + ": self-test failed"));
}
