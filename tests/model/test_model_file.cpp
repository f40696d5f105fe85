// Unit tests of model_file.hpp: model_bytes and parse_model round trip, refusal of cut and corrupt
// files, resolve_model_path, the self-test on load, and the committed fixture tiny.model.
#include "newsclf/model/model_file.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include "newsclf/model/classifier.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/archs/mlp.hpp"
#include "newsclf/formats/npy.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "container_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {

// A small model: 9 words, 5-dimensional embedding, max_len 4, two hidden layers of 3 units.
Model small_model() {
    Model m;
    set_hyperparameter(m.options, "max_len", "4");
    set_hyperparameter(m.options, "hidden_units", "3");
    set_hyperparameter(m.options, "hidden_layers", "2");
    set_hyperparameter(m.options, "epochs", "3");
    set_hyperparameter(m.options, "optimizer", "adam");
    set_hyperparameter(m.options, "learning_rate", "0.01");
    set_hyperparameter(m.options, "seed", "7");
    m.normalizer.filters += "'";
    m.vocabulary = Vocabulary({"fed", "weather", "taper", "tech", "cars", "kim", "wedding", "exercise", "loss"});
    m.max_words = 10;
    m.embedding = Matrix::from_shape({10, 5});
    for (std::size_t i = 0; i < m.embedding.size(); ++i)
        m.embedding.data()[i] = i < 5 ? 0.0f : std::cos(static_cast<float>(i)) * 0.7f;
    MlpNetwork network(&m.embedding, MlpShape{4, 3, 2, 4});
    m.parameters.resize(network.parameter_count());
    for (std::size_t i = 0; i < m.parameters.size(); ++i) m.parameters[i] = std::sin(static_cast<float>(i) * 1.3f) * 0.8f;
    m.training_json = R"({"data_crc32":"0badcafe","rows":3,"history":[{"epoch":1,"train":{"loss":1.25}}]})";
    m.self_tests = Classifier(m).run_self_tests();
    return m;
}

// Offset of the data of the named tensor in model bytes (name, dtype, rank, dimensions, data).
std::size_t tensor_data_offset(const std::string& bytes, const std::string& name, std::size_t rank) {
    std::size_t at = bytes.find(name);
    REQUIRE(at != std::string::npos);
    return at + name.size() + 1 + 1 + 8 * rank;
}

// The tensor count of the small model: the embedding and a kernel and a bias for each of 3 layers.
constexpr std::uint64_t small_tensors = 7;

}  // namespace

TEST_CASE("model_bytes and parse_model round trip") {
    const Model model = small_model();
    REQUIRE(model.self_tests.size() == 4);
    const std::string bytes = model_bytes(model);
    CHECK(is_model_file(bytes));
    CHECK_FALSE(is_token_stream(bytes));
    CHECK(bytes.substr(0, 16) == std::string("newsclf-model/1\n"));

    Model back = parse_model(bytes, "m.newsclf");
    CHECK(hyperparameters_json(back.options) == hyperparameters_json(model.options));
    CHECK(back.options.max_len == 4);
    CHECK(back.options.hidden_layers == 2);
    CHECK(back.options.epochs == 3);
    CHECK(back.options.arch == "mlp");
    CHECK(normalizer_to_json(back.normalizer) == normalizer_to_json(model.normalizer));
    CHECK(back.vocabulary.words() == model.vocabulary.words());
    CHECK(back.max_words == 10);
    CHECK(back.embedding == model.embedding);
    REQUIRE(back.parameters.size() == model.parameters.size());
    CHECK(std::memcmp(back.parameters.data(), model.parameters.data(), model.parameters.size() * sizeof(float)) == 0);
    CHECK(back.training_json == model.training_json);
    REQUIRE(back.self_tests.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(back.self_tests[i].title == model.self_tests[i].title);
        CHECK(back.self_tests[i].probabilities == model.self_tests[i].probabilities);  // shortest text round-trips
    }
    CHECK(model_bytes(back) == bytes);

    std::string summary = model_summary_json(back);
    CHECK(contains(summary, R"("tensors":{"embedding":[10,5],"dense_0.kernel":[20,3],"dense_0.bias":[3],)"
                            R"("dense_1.kernel":[3,3],"dense_1.bias":[3],"dense_2.kernel":[3,4],"dense_2.bias":[4]})"));
    CHECK(contains(summary, "\"parameters\":" + std::to_string(model.parameters.size())));
    CHECK(contains(summary, "\"vocabulary_size\":9"));
}

TEST_CASE("a calibrated model is version 1.4, keeps its temperature and predicts at it") {
    Model model = small_model();
    const Probabilities raw = Classifier(model).classify("fed taper weather");
    model.temperature = 2.5;
    model.calibration_json = R"({"method":"temperature","temperature":2.5,"validation_rows":3})";
    model.self_tests = Classifier(model).run_self_tests();
    const std::string bytes = model_bytes(model);
    CHECK(bytes.substr(16, 4) == std::string(1, '\4') + std::string("\0\0\0", 3));
    const Model back = parse_model(bytes, "calibrated");
    CHECK(back.temperature == 2.5);
    CHECK(back.calibration_json == model.calibration_json);
    CHECK(model_bytes(back) == bytes);
    CHECK(contains(model_summary_json(back), R"("calibration":{"method":"temperature","temperature":2.5,)"));
    CHECK(contains(model_summary_json(back), "\"format\":\"newsclf-model/1.4\""));
    // Its probabilities are the network's, squared and a half and renormalised.
    const Probabilities p = Classifier(back).classify("fed taper weather");
    double sum = 0;
    for (float q : raw) sum += std::pow(static_cast<double>(q), 2.5);
    for (std::size_t c = 0; c < label_count; ++c)
        CHECK(p[c] == doctest::Approx(std::pow(static_cast<double>(raw[c]), 2.5) / sum).epsilon(1e-5));
    Classifier(back).check_self_tests("calibrated");
    // A calibration entry without a positive temperature is a corrupt file.
    model.calibration_json = R"({"method":"temperature","temperature":0})";
    CHECK(contains(message_of<FormatError>([&] { parse_model(model_bytes(model), "zero"); }), "temperature"));
}

TEST_CASE("a model without training history or self-tests") {
    Model m = small_model();
    m.training_json.clear();
    m.self_tests.clear();
    Model back = parse_model(model_bytes(m), "m");
    CHECK(back.training_json == "{}");
    CHECK(back.self_tests.empty());
}

TEST_CASE("model_bytes refuses a parameter buffer of the wrong size") {
    Model m = small_model();
    m.parameters.pop_back();
    CHECK_THROWS_AS(model_bytes(m), Error);
}

TEST_CASE("a model cut short is a FormatError") {
    const std::string bytes = model_bytes(small_model());
    std::string m = message_of<FormatError>([&] { parse_model(std::string_view(bytes).substr(0, bytes.size() / 2), "half.newsclf"); });
    CHECK(m.rfind("half.newsclf: ", 0) == 0);
    CHECK(contains(m, "truncated"));
    for (std::size_t n = 0; n < bytes.size(); n += 7) {
        CAPTURE(n);
        CHECK_THROWS_AS(parse_model(std::string_view(bytes).substr(0, n), "cut"), FormatError);
    }
    // Cut bodies behind trailers that match them: the tensor reader has to notice.
    const std::string body = bytes.substr(0, bytes.size() - format::trailer_size);
    for (std::size_t n = body.size() / 2; n < body.size(); n += 5) {
        CAPTURE(n);
        CHECK_THROWS_AS(parse_model(with_trailer(body.substr(0, n), small_tensors), "cut"), FormatError);
    }
    CHECK(parse_model(with_trailer(body, small_tensors), "whole").parameters.size() == small_model().parameters.size());
}

TEST_CASE("a flipped byte anywhere in a model is a FormatError") {
    const std::string bytes = model_bytes(small_model());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        CAPTURE(i);
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x04);
        CHECK_THROWS_AS(parse_model(bad, "flip.newsclf"), FormatError);
    }
    std::string bad = bytes;
    bad[bytes.size() / 2] = static_cast<char>(bad[bytes.size() / 2] ^ 0x01);
    std::string m = message_of<FormatError>([&] { parse_model(bad, "flip.newsclf"); });
    CHECK(m.rfind("flip.newsclf: ", 0) == 0);
    CHECK(contains(m, "checksum"));
}

TEST_CASE("parse_model refuses a token stream and a tensor that does not fit the network") {
    TempDir dir;
    {
        OutputFile out(dir.file("t.tokens"));
        TokenStreamWriter writer(out, TokenStreamInfo{});
        writer.finish();
        out.commit();
    }
    CHECK(contains(message_of<FormatError>([&] { parse_model(read_bytes(dir.file("t.tokens")), "t.tokens"); }),
                   "this is a newsclf tokens file, but a model file is needed"));

    // Renaming a tensor (same length, checksum recomputed) leaves a file the network cannot use.
    std::string body = model_bytes(small_model());
    body.resize(body.size() - format::trailer_size);
    body.replace(body.find("dense_1.bias"), 12, "dense_1.bxas");
    CHECK(contains(message_of<FormatError>([&] { parse_model(with_trailer(body, small_tensors), "r"); }), "does not match the mlp network's"));
}

TEST_CASE("resolve_model_path: a file, or a directory holding model.newsclf or exactly one model file") {
    TempDir dir;
    const std::string bytes = model_bytes(small_model());
    fs::create_directories(dir.file("preferred"));
    fs::create_directories(dir.file("one"));
    fs::create_directories(dir.file("two"));
    fs::create_directories(dir.file("none"));
    write_bytes(dir.file("preferred/model.newsclf"), bytes);
    write_bytes(dir.file("preferred/other.bin"), bytes);
    write_bytes(dir.file("one/classifier.bin"), bytes);
    write_bytes(dir.file("one/notes.txt"), "not a model\n");
    write_bytes(dir.file("one/.hidden"), bytes);
    fs::create_directories(dir.file("one/subdir"));
    write_bytes(dir.file("two/a"), bytes);
    write_bytes(dir.file("two/b"), bytes);
    write_bytes(dir.file("none/tiny.npy"), npy_bytes(small_model().embedding));

    CHECK(resolve_model_path(dir.file("one/classifier.bin")) == dir.file("one/classifier.bin"));
    CHECK(resolve_model_path(dir.file("preferred")) == dir.file("preferred/model.newsclf"));
    CHECK(resolve_model_path(dir.file("one")) == dir.file("one/classifier.bin"));
    CHECK_THROWS_AS(resolve_model_path(dir.file("two")), UsageError);
    CHECK_THROWS_AS(resolve_model_path(dir.file("none")), IoError);
    CHECK_THROWS_AS(resolve_model_path(dir.file("missing")), IoError);
    try {
        resolve_model_path(dir.file("two"));
    } catch (const UsageError& e) {
        CHECK(contains(e.what(), "2 model files"));
    }
}

TEST_CASE("load_classifier checks the self-tests, which catch an altered parameter") {
    TempDir dir;
    const Model model = small_model();
    const std::string bytes = model_bytes(model);
    write_bytes(dir.file("model.newsclf"), bytes);

    auto classifier = load_classifier(dir.path);
    for (const auto& t : model.self_tests) {
        auto p = classifier->classify(t.title);
        for (std::size_t c = 0; c < 4; ++c) CHECK(p[c] == doctest::Approx(t.probabilities[c]).epsilon(1e-6));
    }
    float sum = 0;
    for (float p : classifier->classify("fed weather taper")) sum += p;
    CHECK(sum == doctest::Approx(1.0f).epsilon(1e-6));

    // Add 1 to the output layer's first bias and recompute the trailer: the file is whole and
    // parses, but no longer gives the probabilities it was written with.
    std::string body = bytes.substr(0, bytes.size() - format::trailer_size);
    std::size_t at = tensor_data_offset(body, "dense_2.bias", 1);
    ByteReader reader(std::string_view(body).substr(at, 4), "bias");
    float bias = reader.f32("the bias");
    CHECK(bias == model.parameters[model.parameters.size() - 4]);
    ByteWriter w;
    w.f32(bias + 1.0f);
    body.replace(at, 4, w.bytes());
    const std::string altered = with_trailer(body, small_tensors);
    Model parsed = parse_model(altered, "altered");
    CHECK(parsed.parameters.back() == model.parameters.back());
    CHECK(parsed.parameters[parsed.parameters.size() - 4] == bias + 1.0f);

    write_bytes(dir.file("model.newsclf"), altered);
    std::string m = message_of<FormatError>([&] { load_classifier(dir.path); });
    CHECK(m.rfind(dir.file("model.newsclf") + ": ", 0) == 0);
    CHECK(contains(m, "self-test failed"));
    CHECK(contains(m, "\"" + model.self_tests[0].title + "\""));
}

TEST_CASE("the committed fixture tiny.model is read, written back byte for byte, and predicts") {
    const std::string bytes = read_fixture("tiny.model");
    REQUIRE(bytes.size() < (1u << 20));
    Model m = parse_model(bytes, "tiny.model");

    CHECK(m.options.arch == "mlp");
    CHECK(m.options.epochs == 1);
    CHECK(m.options.validation_split == 0.0);
    CHECK(m.options.max_len == 100);
    CHECK(m.options.hidden_units == 2);
    CHECK(m.max_words == 50);
    CHECK(m.vocabulary.size() == 49);
    CHECK(m.embedding.shape(0) == 50);
    CHECK(m.embedding.shape(1) == 100);
    CHECK(m.parameters.size() == 100 * 100 * 2 + 2 + 2 * 4 + 4);
    CHECK(m.self_tests.size() == 4);
    CHECK(contains(m.training_json, "\"rows\":21"));
    CHECK(model_bytes(m) == bytes);

    // It was trained on tiny.tokens with tiny.npy.
    TokenStream ts = parse_token_stream(read_fixture("tiny.tokens"), "tiny.tokens");
    CHECK(m.vocabulary.words() == ts.info.vocabulary.words());
    CHECK(m.embedding == parse_npy(read_fixture("tiny.npy"), "tiny.npy"));

    auto classifier = load_classifier(fixture_path("tiny.model"));  // runs the stored self-tests
    auto p = classifier->classify("Carl Icahn Rift Hurts eBay (EBAY)");
    CHECK(p[0] == doctest::Approx(0.24960408f).epsilon(1e-5));
    CHECK(p[1] == doctest::Approx(0.24960408f).epsilon(1e-5));
    CHECK(p[2] == doctest::Approx(0.2511877f).epsilon(1e-5));
    CHECK(p[3] == doctest::Approx(0.24960408f).epsilon(1e-5));
}

// Older versions: 1.0 (before patience and dropout), 1.1 (before max_words, f16 tensors and members).
TEST_CASE("model files of versions 1.0 and 1.1 are still read and predict as they did") {
    for (std::uint32_t minor : {0u, 1u}) {
        const std::string name = "tiny-1." + std::to_string(minor) + ".model";
        CAPTURE(name);
        const std::string bytes = read_fixture(name);
        REQUIRE(bytes.substr(16, 4) == std::string(1, static_cast<char>(minor)) + std::string("\0\0\0", 3));
        Model m = parse_model(bytes, name);
        CHECK(m.options.arch == "mlp");
        CHECK(m.options.patience == 0);
        CHECK(m.options.dropout == 0.0);
        CHECK(m.options.epochs == 1);
        CHECK(contains(m.training_json, "epochs_run") == (minor >= 1));
        CHECK(m.members.empty());
        auto classifier = load_classifier(fixture_path(name));  // runs the stored self-tests
        auto p = classifier->classify("Carl Icahn Rift Hurts eBay (EBAY)");
        CHECK(p[2] == doctest::Approx(0.2511877f).epsilon(1e-5));
        // Written again, it becomes version 1.2 (the latest without calibration), with the same tensors.
        const std::string again = model_bytes(m);
        CHECK(again.substr(16, 4) == std::string(1, '\2') + std::string("\0\0\0", 3));
        CHECK(parse_model(again, "again").parameters == m.parameters);
    }
}

TEST_CASE("a hyperparameter this newsclf does not know is skipped; a known one with a bad value is not") {
    std::string bytes = read_fixture("tiny.model");
    const std::string key = "\"patience\":\"0\"";
    const std::size_t at = bytes.find(key);
    REQUIRE(at != std::string::npos);
    std::string unknown = bytes, bad = bytes;
    unknown.replace(at, key.size(), "\"patienZe\":\"0\"");  // same length: only the trailer changes
    bad.replace(at, key.size(), "\"patience\":\"x\"");
    CHECK(parse_model(with_trailer(unknown.substr(0, unknown.size() - format::trailer_size), 5), "u").options.patience == 0);
    CHECK(contains(message_of<FormatError>([&] {
                       parse_model(with_trailer(bad.substr(0, bad.size() - format::trailer_size), 5), "b");
                   }),
                   "patience"));
}

TEST_CASE("sizes the hyperparameters claim are checked against the tensors before anything is allocated") {
    const std::string bytes = model_bytes(small_model());
    const std::string hyperparameters = hyperparameters_json(small_model().options);
    for (const auto& [setting, claimed] : {std::pair{"\"max_len\":\"4\"", "\"max_len\":\"200000000\""},
                                           std::pair{"\"hidden_units\":\"3\"", "\"hidden_units\":\"1000000000\""}}) {
        CAPTURE(claimed);
        std::string json = hyperparameters;
        REQUIRE(json.find(setting) != std::string::npos);
        json.replace(json.find(setting), std::string(setting).size(), claimed);
        // Building a buffer of these sizes would need gigabytes; the refusal comes first.
        const std::string claiming = with_metadata(bytes, format::model_kind, format::model_major, "hyperparameters", JsonText{json});
        const std::string message = message_of<FormatError>([&] { parse_model(claiming, "huge.model"); });
        CHECK(contains(message, "huge.model: tensor \""));
        CHECK(contains(message, "does not match the mlp network's"));
    }
}

TEST_CASE("the checksum is verified before the metadata are read") {
    const std::string bytes = model_bytes(small_model());
    // The metadata count (a flip there read as "truncated") and the first entry's type byte (read
    // as "unknown type"): after magic 16, minor 4, sanity block 16, count 4 and the key's length 2.
    const std::size_t key_length = static_cast<unsigned char>(bytes[40]);
    for (std::size_t at : {std::size_t{38}, 42 + key_length, bytes.size() / 2}) {
        CAPTURE(at);
        std::string flipped = bytes;
        flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
        CHECK(contains(message_of<FormatError>([&] { parse_model(flipped, "flipped.model"); }), "checksum mismatch"));
    }
}

TEST_CASE("a NaN or an infinity in a tensor is refused, naming the tensor and the index") {
    Model m = small_model();
    m.parameters[5] = std::nanf("");
    CHECK(contains(message_of<FormatError>([&] { parse_model(model_bytes(m), "nan.model"); }), "holds a NaN at index 5"));
    m = small_model();
    m.embedding(2, 1) = -INFINITY;
    CHECK(contains(message_of<FormatError>([&] { parse_model(model_bytes(m), "inf.model"); }),
                   "tensor \"embedding\" holds an infinity at index " + std::to_string(2 * m.embedding.shape(1) + 1)));
}
