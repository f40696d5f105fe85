// Unit tests of sagemaker_job.hpp: loading a job from an /opt/ml tree (configuration files present
// or missing), its paths, removing an earlier job's outputs and writing the failure reason.
#include "newsclf/sagemaker/job.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {

std::vector<std::string> names(const TrainingJob& job) {
    std::vector<std::string> out;
    for (const auto& c : job.channels) out.push_back(c.name);
    return out;
}

}  // namespace

TEST_CASE("default_opt_ml: $NEWSCLF_OPT_ML, else /opt/ml") {
    ::setenv("NEWSCLF_OPT_ML", "/tmp/job", 1);
    CHECK(default_opt_ml() == "/tmp/job");
    ::setenv("NEWSCLF_OPT_ML", "", 1);
    CHECK(default_opt_ml() == "/opt/ml");
    ::unsetenv("NEWSCLF_OPT_ML");
    CHECK(default_opt_ml() == "/opt/ml");
}

TEST_CASE("a job without configuration files: no hyperparameters, the directories under input/data, one host") {
    TempDir dir;
    fs::create_directories(dir.file("input/data/validation"));
    fs::create_directories(dir.file("input/data/training"));
    fs::create_directories(dir.file("input/data/.hidden"));
    write_file(dir.file("input/data/stray.txt"), "not a channel");
    TrainingJob job = load_training_job(dir.path + "/");
    CHECK(job.opt_ml == dir.path);
    CHECK(job.hyperparameters.empty());
    CHECK(names(job) == std::vector<std::string>{"training", "validation"});
    REQUIRE(job.channel("training"));
    CHECK(job.channel("training")->path == dir.file("input/data/training"));
    CHECK_FALSE(job.channel("code"));
    CHECK(job.resources.current_host == "algo-1");
    CHECK(job.model_path() == dir.file("model/newsclf.model"));
    CHECK(job.metrics_path() == dir.file("output/data/metrics.json"));
    CHECK(job.failure_path() == dir.file("output/failure"));
    CHECK(job.hyperparameters_path() == dir.file("input/config/hyperparameters.json"));

    TempDir empty;
    CHECK(load_training_job(empty.path).channels.empty());
}

TEST_CASE("a job's configuration files: hyperparameters, the channels inputdataconfig.json names, the hosts") {
    TempDir dir;
    write_file(dir.file("input/config/hyperparameters.json"), R"({"epochs": "3", "sagemaker_program": "train.sh"})");
    write_file(dir.file("input/config/inputdataconfig.json"),
               R"({"training": {"TrainingInputMode": "File"}, "extra": {"TrainingInputMode": "FastFile"}})");
    write_file(dir.file("input/config/resourceconfig.json"), R"({"current_host": "algo-2", "hosts": ["algo-1", "algo-2"]})");
    fs::create_directories(dir.file("input/data/training"));
    fs::create_directories(dir.file("input/data/unlisted"));
    TrainingJob job = load_training_job(dir.path);
    CHECK(job.hyperparameters == Hyperparameters{{"epochs", "3"}, {"sagemaker_program", "train.sh"}});
    CHECK(names(job) == std::vector<std::string>{"extra", "training"});
    CHECK(job.resources.current_host == "algo-2");
    CHECK(job.resources.hosts.size() == 2);
}

TEST_CASE("a channel in Pipe mode, an unknown mode, a bad file and a missing directory are errors") {
    TempDir dir;
    const std::string config = dir.file("input/config/inputdataconfig.json");
    write_file(config, R"({"training": {"TrainingInputMode": "File"}, "validation": {"TrainingInputMode": "Pipe"}})");
    std::string message = message_of<UsageError>([&] { load_training_job(dir.path); });
    CHECK(message.rfind(config + ": channel \"validation\" has TrainingInputMode Pipe; newsclf-train reads only File", 0) == 0);
    write_file(config, R"({"training": {"TrainingInputMode": "Stream"}})");
    CHECK(message_of<UsageError>([&] { load_training_job(dir.path); }) ==
          config + ": channel \"training\" has TrainingInputMode \"Stream\", not File, FastFile or Pipe");
    fs::remove(config);
    write_file(dir.file("input/config/hyperparameters.json"), "{\"epochs\": 2,}");
    CHECK(message_of<UsageError>([&] { load_training_job(dir.path); }).rfind(dir.file("input/config/hyperparameters.json: not valid JSON"), 0) == 0);
    CHECK(message_of<IoError>([&] { load_training_job(dir.file("missing")); }).rfind(dir.file("missing") + ": no such directory", 0) == 0);
}

TEST_CASE("remove_job_outputs and write_failure") {
    TempDir dir;
    TrainingJob job;
    job.opt_ml = dir.path;
    write_file(job.model_path(), "old model");
    write_file(job.failure_path(), "old failure");
    remove_job_outputs(job);
    CHECK_FALSE(fs::exists(job.model_path()));
    CHECK_FALSE(fs::exists(job.failure_path()));
    remove_job_outputs(job);  // nothing left: no error

    fs::remove_all(dir.file("output"));
    CHECK(write_failure(dir.path, "first line\nsecond"));
    CHECK(read_bytes(job.failure_path()) == "first line\nsecond\n");
    CHECK_FALSE(write_failure(dir.file("no-such-dir"), "reason"));
    CHECK_FALSE(fs::exists(dir.file("no-such-dir")));
}
