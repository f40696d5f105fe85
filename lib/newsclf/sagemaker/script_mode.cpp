// SageMaker's script-mode contract: where sagemaker_program is, how it is run, the SM_* variables
// it sees and how its failure is reported.
#include "newsclf/sagemaker/script_mode.hpp"

#include <string.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/sagemaker/mpi_launch.hpp"
#include "newsclf/sagemaker/submit_directory.hpp"

namespace {
constexpr std::size_t failure_shown_bytes = 1024;  // of output/failure, in SageMaker's console
}

namespace fs = std::filesystem;

namespace newsclf {

namespace {

bool is_file(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string json_list(const std::vector<std::string>& items) {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (const auto& item : items) w.value(item);
    w.end_array();
    return out;
}

}  // namespace

ProgramFile find_program(const TrainingJob& job, const std::string& program) {
    if (program.empty() || program[0] == '/')
        throw UsageError("hyperparameter sagemaker_program: \"" + program +
                         "\" is not the name of a file of the job's code (a path relative to " + job.code_dir() + ")");
    std::vector<std::string> looked;
    std::vector<std::string> directories{job.code_dir()};
    if (const Channel* code = job.channel("code")) directories.push_back(code->path);
    else directories.push_back(job.data_dir() + "/code");
    for (const auto& dir : directories) {
        const std::string path = dir + "/" + program;
        if (is_file(path)) return {path, dir};
        looked.push_back(path);
    }
    throw UsageError("hyperparameter sagemaker_program: no file " + looked[0] + " nor " + looked[1] +
                     " (the job's code goes to /opt/ml/code or into the channel \"code\")");
}

std::vector<std::string> program_command(const ProgramFile& program, const Hyperparameters& user) {
    const std::string name = fs::path(program.path).filename().string();
    const bool makefile = name == "Makefile" || name == "makefile" ||
                          (name.size() > 3 && name.compare(name.size() - 3, 3, ".mk") == 0);
    if (makefile) return {"make", "-f", program.path};
    std::vector<std::string> command;
    if (::access(program.path.c_str(), X_OK) == 0)
        command = {program.path};
    else
        command = {"sh", program.path};
    for (const auto& [key, value] : user) {
        command.push_back("--" + key);
        command.push_back(value);
    }
    return command;
}

Environment script_environment(const TrainingJob& job, const Hyperparameters& user, const ProgramFile& program,
                               const std::vector<std::string>& command, const std::string& tools_directory,
                               const std::string& path, unsigned cpus) {
    Environment env;
    std::vector<std::string> channels;
    for (const auto& c : job.channels) {
        channels.push_back(c.name);
        env.emplace_back("SM_CHANNEL_" + upper(c.name), c.path);
    }
    env.emplace_back("SM_CHANNELS", json_list(channels));
    std::string hps;
    JsonWriter w(hps);
    w.begin_object();
    for (const auto& [key, value] : user) {
        w.member(key, value);
        env.emplace_back("SM_HP_" + upper(key), value);
    }
    w.end_object();
    env.emplace_back("SM_HPS", hps);
    env.emplace_back("SM_MODEL_DIR", job.model_dir());
    env.emplace_back("SM_HOSTS", json_list(job.resources.hosts));
    env.emplace_back("SM_CURRENT_HOST", job.resources.current_host);
    env.emplace_back("SM_NUM_CPUS", std::to_string(cpus));
    env.emplace_back("SM_NUM_GPUS", "0");
    env.emplace_back("SM_OUTPUT_DATA_DIR", job.output_data_dir());
    env.emplace_back("SM_OUTPUT_DIR", job.output_dir());
    env.emplace_back("SM_INPUT_DIR", job.input_dir());
    env.emplace_back("SM_INPUT_CONFIG_DIR", job.config_dir());
    env.emplace_back("SM_USER_ENTRY_POINT", fs::path(program.path).filename().string());
    env.emplace_back("SM_MODULE_DIR", program.directory);
    const bool has_args = command.size() > 0 && command[0] != "make";
    std::vector<std::string> args;
    if (has_args)
        for (const auto& [key, value] : user) args.insert(args.end(), {"--" + key, value});
    env.emplace_back("SM_USER_ARGS", json_list(args));
    env.emplace_back("PATH", tools_directory + (path.empty() ? "" : ":" + path));
    return env;
}

std::string program_failure(const std::string& program, const ProgramRun& run) {
    std::string out = "sagemaker_program " + program +
                      (run.killed_by ? " was killed by signal " + std::to_string(run.killed_by) + " (" +
                                           strsignal(run.killed_by) + ")"
                                     : " exited with status " + std::to_string(run.exit_status));
    std::string tail = run.stderr_tail;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
    if (tail.empty()) return out;
    out += "; the end of its standard error:\n";
    // Only the lines that fit in what SageMaker shows of a failure: its last lines are the ones
    // that say why (all of it went to the job's log).
    const std::size_t room = failure_shown_bytes > out.size() ? failure_shown_bytes - out.size() : 0;
    if (tail.size() > room) {
        tail = tail.substr(tail.size() - room);
        const std::size_t nl = tail.find('\n');
        tail = nl == std::string::npos ? tail : tail.substr(nl + 1);
    }
    return out + tail;
}

ProgramFile fetch_program(const TrainingJob& job, const JobHyperparameters& hps) {
    if (const auto location = submit_directory(job)) {
        // The SDK names the code even when it is already here (a code channel, an image with it).
        bool code_present = true;
        try {
            find_program(job, *hps.program);
        } catch (const UsageError&) {
            code_present = false;
        }
        if (code_present)
            log_verbose("sagemaker_submit_directory " + *location + " not fetched: the program is already here");
        else
            fetch_submit_directory(job, *location);
    }
    return find_program(job, *hps.program);
}

ScriptRun prepare_script_mode(const TrainingJob& job, const JobHyperparameters& hps, unsigned cpus) {
    ScriptRun run;
    run.program = fetch_program(job, hps);
    run.command = program_command(run.program, hps.user);
    const char* path = std::getenv("PATH");
    run.environment =
        script_environment(job, hps.user, run.program, run.command, executable_directory(), path ? path : "", cpus);
    create_parent_directories(job.model_path());
    create_parent_directories(job.metrics_path());
    return run;
}

namespace {
std::string shown(const std::vector<std::string>& command) {
    std::string out;
    for (const auto& word : command) out += (out.empty() ? "" : " ") + word;
    return out;
}
}  // namespace

int run_script_mode(const TrainingJob& job, const JobHyperparameters& hps, unsigned cpus) {
    const ScriptRun script = prepare_script_mode(job, hps, cpus);
    log_info("sagemaker_program: running " + shown(script.command) + " in " + script.program.directory);
    const ProgramRun run = run_program(script.command, script.program.directory, script.environment);
    // A stopped job is no failure: SageMaker shows it as Stopped.
    if (run.stop_signal) return run.stop_signal;
    if (run.exit_status != 0 || run.killed_by != 0) throw DataError(program_failure(*hps.program, run));
    return 0;
}

int launch_script_mode(const TrainingJob& job, const JobHyperparameters& hps, const MpiSettings& mpi, unsigned cpus) {
    ScriptRun script = prepare_script_mode(job, hps, cpus);
    log_info("sagemaker_program: running " + shown(script.command) + " in " + script.program.directory +
             " on every MPI slot");
    MpiProgram program;
    program.command = std::move(script.command);
    program.directory = script.program.directory;
    program.environment = std::move(script.environment);
    program.name = "sagemaker_program " + *hps.program;
    return launch_mpi_job(job, mpi, program);
}

}  // namespace newsclf
