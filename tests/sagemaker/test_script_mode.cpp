// Unit tests of script_mode.hpp: finding sagemaker_program, its command, SageMaker's SM_*
// variables and the failure message (running it is io/process's, tested there).
#include "newsclf/sagemaker/script_mode.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {

std::string value_of(const Environment& env, const std::string& name) {
    for (const auto& [key, value] : env)
        if (key == name) return value;
    FAIL("no " << name << " in the environment");
    return "";
}

TrainingJob job_in(const TempDir& dir) {
    fs::create_directories(dir.file("input/data/training"));
    fs::create_directories(dir.file("input/data/my-channel"));
    return load_training_job(dir.path);
}

}  // namespace

TEST_CASE("find_program: OPT_ML/code first, then the channel code; else both places named") {
    TempDir dir;
    TrainingJob job = job_in(dir);
    std::string missing = message_of<UsageError>([&] { find_program(job, "train.sh"); });
    CHECK(missing == "hyperparameter sagemaker_program: no file " + dir.file("code/train.sh") + " nor " +
                         dir.file("input/data/code/train.sh") +
                         " (the job's code goes to /opt/ml/code or into the channel \"code\")");
    write_file(dir.file("input/data/code/train.sh"), "exit 0\n");
    CHECK(find_program(job, "train.sh").path == dir.file("input/data/code/train.sh"));
    CHECK(find_program(job, "train.sh").directory == dir.file("input/data/code"));
    write_file(dir.file("code/train.sh"), "exit 0\n");
    CHECK(find_program(job, "train.sh").path == dir.file("code/train.sh"));
    CHECK(message_of<UsageError>([&] { find_program(job, "/bin/sh"); }).rfind("hyperparameter sagemaker_program: \"/bin/sh\" is not", 0) == 0);
}

TEST_CASE("program_command: make for makefiles, the file when executable, else sh; hyperparameters as arguments") {
    TempDir dir;
    write_file(dir.file("train.sh"), "exit 0\n");
    write_file(dir.file("train"), "#!/bin/sh\nexit 0\n", true);
    write_file(dir.file("job.mk"), "all:\n");
    write_file(dir.file("Makefile"), "all:\n");
    const Hyperparameters hps{{"epochs", "2"}, {"arch", "mlp"}};
    CHECK(program_command({dir.file("train.sh"), dir.path}, hps) ==
          std::vector<std::string>{"sh", dir.file("train.sh"), "--epochs", "2", "--arch", "mlp"});
    CHECK(program_command({dir.file("train"), dir.path}, {}) == std::vector<std::string>{dir.file("train")});
    CHECK(program_command({dir.file("job.mk"), dir.path}, hps) == std::vector<std::string>{"make", "-f", dir.file("job.mk")});
    CHECK(program_command({dir.file("Makefile"), dir.path}, hps) == std::vector<std::string>{"make", "-f", dir.file("Makefile")});
}

TEST_CASE("script_environment: SageMaker's SM_* variables and PATH with the tools first") {
    TempDir dir;
    TrainingJob job = job_in(dir);
    job.resources.hosts = {"algo-1", "algo-2"};
    const Hyperparameters hps{{"epochs", "2"}, {"batch_size", "3\"2"}};
    const ProgramFile program{dir.file("code/train.sh"), dir.file("code")};
    const auto command = program_command(program, hps);
    Environment env = script_environment(job, hps, program, command, "/tools", "/usr/bin:/bin", 8);
    CHECK(value_of(env, "SM_MODEL_DIR") == dir.file("model"));
    CHECK(value_of(env, "SM_CHANNELS") == R"(["my-channel","training"])");
    CHECK(value_of(env, "SM_CHANNEL_TRAINING") == dir.file("input/data/training"));
    CHECK(value_of(env, "SM_CHANNEL_MY-CHANNEL") == dir.file("input/data/my-channel"));
    CHECK(value_of(env, "SM_HPS") == R"({"epochs":"2","batch_size":"3\"2"})");
    CHECK(value_of(env, "SM_HP_EPOCHS") == "2");
    CHECK(value_of(env, "SM_HP_BATCH_SIZE") == "3\"2");
    CHECK(value_of(env, "SM_HOSTS") == R"(["algo-1","algo-2"])");
    CHECK(value_of(env, "SM_CURRENT_HOST") == "algo-1");
    CHECK(value_of(env, "SM_NUM_CPUS") == "8");
    CHECK(value_of(env, "SM_NUM_GPUS") == "0");
    CHECK(value_of(env, "SM_OUTPUT_DATA_DIR") == dir.file("output/data"));
    CHECK(value_of(env, "SM_OUTPUT_DIR") == dir.file("output"));
    CHECK(value_of(env, "SM_INPUT_DIR") == dir.file("input"));
    CHECK(value_of(env, "SM_INPUT_CONFIG_DIR") == dir.file("input/config"));
    CHECK(value_of(env, "SM_USER_ENTRY_POINT") == "train.sh");
    CHECK(value_of(env, "SM_MODULE_DIR") == dir.file("code"));
    CHECK(value_of(env, "SM_USER_ARGS") == R"(["--epochs","2","--batch_size","3\"2"])");
    CHECK(value_of(env, "PATH") == "/tools:/usr/bin:/bin");
    CHECK(value_of(script_environment(job, {}, program, command, "/tools", "", 1), "PATH") == "/tools");
}

TEST_CASE("program_failure: the status or signal, then the last whole lines of stderr that fit in 1,024 bytes") {
    ProgramRun run;
    run.exit_status = 3;
    for (int i = 0; i < 300; ++i) run.stderr_tail += "noise line " + std::to_string(i) + "\n";
    run.stderr_tail += "the real reason\n";
    const std::string failure = program_failure("run.sh", run);
    CHECK(failure.rfind("sagemaker_program run.sh exited with status 3; the end of its standard error:\n", 0) == 0);
    CHECK(failure.size() <= 1024);
    CHECK(failure.size() > 1000);
    CHECK(failure.find("\nnoise line 2") != std::string::npos);  // whole lines, the last ones
    CHECK(failure.substr(failure.size() - 16) == "\nthe real reason");

    CHECK(program_failure("x", ProgramRun{}) == "sagemaker_program x exited with status 0");
    ProgramRun killed;
    killed.killed_by = SIGKILL;
    CHECK(program_failure("k.sh", killed).rfind("sagemaker_program k.sh was killed by signal 9 (", 0) == 0);
}

TEST_CASE("run_script_mode: the program runs in its code directory with the job's variables; a failure is a DataError") {
    TempDir dir;
    TrainingJob job = job_in(dir);
    write_file(dir.file("code/train.sh"), "echo \"$SM_HP_EPOCHS\" > \"$SM_MODEL_DIR/epochs.txt\"\n");
    JobHyperparameters hps;
    hps.program = "train.sh";
    hps.user = {{"epochs", "3"}};
    CHECK(run_script_mode(job, hps, 1) == 0);
    CHECK(read_bytes(dir.file("model/epochs.txt")).str() == "3\n");

    write_file(dir.file("code/fail.sh"), "echo 'no data here' >&2\nexit 2\n");
    hps.program = "fail.sh";
    const std::string message = message_of<DataError>([&] { run_script_mode(job, hps, 1); });
    CHECK(message == "sagemaker_program fail.sh exited with status 2; the end of its standard error:\nno data here");
}
