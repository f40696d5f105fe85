// Unit tests of sagemaker_training.hpp: hyperparameters as fit options, the files of a channel,
// training on a small job's channels and its metrics.
#include "newsclf/sagemaker/training.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>

#include "newsclf/model/model_file.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {

const std::string hp = "/opt/ml/input/config/hyperparameters.json";

// The first n rows of the sample data set.
std::string sample_rows(std::size_t n) {
    std::string all = read_bytes(source_path("testdata/news.sample.tsv")).str();
    std::size_t end = 0;
    for (std::size_t i = 0; i < n; ++i) end = all.find('\n', end) + 1;
    return all.substr(0, end);
}

}  // namespace

TEST_CASE("fit_options_from_hyperparameters: newsclf-fit's options over the arch's defaults") {
    FitOptions o = fit_options_from_hyperparameters({{"epochs", "3"}, {"batch_size", "64"}, {"learning_rate", "0.01"}}, hp);
    CHECK(o.arch == "mlp");
    CHECK(o.epochs == 3);
    CHECK(o.batch_size == 64);
    CHECK(o.optimizer.learning_rate == doctest::Approx(0.01));
    FitOptions linear = fit_options_from_hyperparameters({{"arch", "linear"}}, hp);
    CHECK(linear.arch == "linear");
    CHECK(linear.max_words == 0);  // linear's own default
    CHECK(linear.c == doctest::Approx(0.7));
    CHECK(fit_options_from_hyperparameters({}, hp).epochs == FitOptions().epochs);
}

TEST_CASE("fit_options_from_hyperparameters: an unknown name or a bad value names the file and the hyperparameter") {
    auto bad = [](const Hyperparameters& h) { return message_of<UsageError>([&] { fit_options_from_hyperparameters(h, hp); }); };
    std::string unknown = bad({{"epochs", "2"}, {"epoch", "2"}});
    CHECK(unknown.rfind(hp + ": hyperparameter \"epoch\": unknown (did you mean \"epochs\"?); known: preset, arch, max_words, epochs,", 0) == 0);
    CHECK(unknown.find('\n') == std::string::npos);
    CHECK(bad({{"zzzzzzzzzz", "1"}}).rfind(hp + ": hyperparameter \"zzzzzzzzzz\": unknown; known: preset, arch,", 0) == 0);
    CHECK(bad({{"epochs", "two"}}) == hp + ": hyperparameter epochs: \"two\" is not an integer >= 1");
    CHECK(bad({{"arch", "svm"}}).rfind(hp + ": hyperparameter arch: \"svm\" is not one of mlp,", 0) == 0);
    CHECK(bad({{"validation_split", "0.95"}}).rfind(hp + ": hyperparameter validation_split: \"0.95\" is not a number in [0, 0.9]", 0) == 0);
}

TEST_CASE("channel_files: headline files and glove* vector files, in order, subdirectories included, hidden ones not") {
    TempDir dir;
    write_file(dir.file("b.tsv"), "x");
    write_file(dir.file("a.csv"), "x");
    write_file(dir.file("glove.6B.100d.txt.xz"), "x");
    write_file(dir.file("part/c.tsv"), "x");
    write_file(dir.file(".hidden"), "x");
    write_file(dir.file(".cache/d.tsv"), "x");
    ChannelFiles files = channel_files(dir.path);
    CHECK(files.headlines == std::vector<std::string>{dir.file("a.csv"), dir.file("b.tsv"), dir.file("part/c.tsv")});
    CHECK(files.vectors == std::vector<std::string>{dir.file("glove.6B.100d.txt.xz")});
    CHECK_THROWS_AS(channel_files(dir.file("missing")), IoError);
}

TEST_CASE("train_job: a linear model from the training channel, validated on the validation channel") {
    TempDir dir;
    write_file(dir.file("input/data/training/newsCorpora.csv"), sample_rows(600));
    std::string rest = read_bytes(source_path("testdata/news.sample.tsv")).str().substr(sample_rows(600).size());
    write_file(dir.file("input/data/validation/valid.tsv"), rest.substr(0, rest.find('\n', 0) + 1));
    TrainingJob job = load_training_job(dir.path);
    FitOptions options = fit_options_from_hyperparameters({{"arch", "linear"}, {"threads", "1"}}, hp);
    std::size_t epochs_seen = 0;
    JobTraining t = train_job(job, options, [&](const EpochResult&) { ++epochs_seen; });
    CHECK(t.train_rows == 600);
    CHECK(t.validation_rows == 1);
    CHECK(epochs_seen == t.fitted.history.size());
    CHECK(t.fitted.model.options.arch == "linear");
    CHECK(t.fitted.model.options.validation_split == 0);
    CHECK_FALSE(model_bytes(t.fitted.model).empty());

    const std::string metrics = job_metrics_json(t, 1.5);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(metrics).get(doc));
    CHECK(std::string_view(doc["hyperparameters"]["arch"].get_string().value()) == "linear");
    CHECK(doc["rows"].get_uint64().value() == 601);
    CHECK(doc["validation_rows"].get_uint64().value() == 1);
    CHECK(doc["seconds"].get_double().value() == 1.5);
    CHECK(doc["epochs"].get_array().size() == t.fitted.history.size());
    CHECK(doc["final"]["epoch"].get_uint64().value() == t.fitted.history.back().epoch);
}

TEST_CASE("train_job: what is missing is named with where it was looked for") {
    TempDir dir;
    fs::create_directories(dir.file("input/data"));
    FitOptions mlp = fit_options_from_hyperparameters({}, hp);
    auto failure = [&] { return message_of<DataError>([&] { train_job(load_training_job(dir.path), mlp, nullptr); }); };
    CHECK(failure() == "no channel \"training\": no directory " + dir.file("input/data/training") +
                           "; it holds the headlines (newsCorpora.csv) and the word vectors (glove.6B.100d.txt)");
    write_file(dir.file("input/config/inputdataconfig.json"), R"({"train": {}})");
    CHECK(failure().rfind("no channel \"training\": " + dir.file("input/config/inputdataconfig.json") + " does not name it", 0) == 0);
    write_file(dir.file("input/config/inputdataconfig.json"), R"({"training": {}})");
    CHECK(failure().rfind("channel \"training\": no directory " + dir.file("input/data/training"), 0) == 0);
    write_file(dir.file("input/data/training/glove.6B.100d.txt"), "the 0.1\n");
    CHECK(failure() == "channel \"training\": no headline file (such as newsCorpora.csv) in " + dir.file("input/data/training"));
    fs::remove(dir.file("input/data/training/glove.6B.100d.txt"));
    write_file(dir.file("input/data/training/newsCorpora.csv"), sample_rows(10));
    CHECK(failure() == "channel \"training\": no word vector file (glove*.txt, .xz or .gz) in " + dir.file("input/data/training") +
                           "; arch mlp needs pretrained vectors (arch linear and bag do not)");
    write_file(dir.file("input/data/training/glove.a.txt"), "the 0.1\n");
    write_file(dir.file("input/data/training/glove.b.txt"), "the 0.1\n");
    CHECK(failure().rfind("channel \"training\": 2 word vector files in ", 0) == 0);
}
