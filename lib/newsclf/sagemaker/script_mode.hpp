// SageMaker's script mode: the hyperparameter sagemaker_program names a file of the job's code
// that trains instead of newsclf-train, run in the code directory with SageMaker's SM_*
// environment variables; its output passes through, its failure fails the job.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "newsclf/sagemaker/config.hpp"
#include "newsclf/sagemaker/job.hpp"

namespace newsclf {

using Environment = std::vector<std::pair<std::string, std::string>>;

// Where sagemaker_program is: OPT_ML/code/PROGRAM, else the channel "code"'s PROGRAM. A
// UsageError naming both places otherwise, or when PROGRAM is not a relative path.
struct ProgramFile {
    std::string path;       // the file
    std::string directory;  // the code directory it was found in: the program's working directory
};
ProgramFile find_program(const TrainingJob& job, const std::string& program);

// The command that runs it: "make -f FILE" for a makefile (*.mk, Makefile, makefile), the file
// itself when it is executable, else "sh FILE". The hyperparameters follow as "--name value"
// arguments, as SageMaker passes them to an entry point; not to make, which would take them for
// targets (a makefile reads them as the variables SM_HP_<NAME>).
std::vector<std::string> program_command(const ProgramFile& program, const Hyperparameters& user);

// SageMaker's variables: SM_MODEL_DIR, SM_CHANNELS, SM_CHANNEL_<NAME>, SM_HPS, SM_HP_<NAME>,
// SM_HOSTS, SM_CURRENT_HOST, SM_NUM_CPUS, SM_NUM_GPUS, SM_OUTPUT_DATA_DIR, SM_OUTPUT_DIR,
// SM_INPUT_DIR, SM_INPUT_CONFIG_DIR, SM_USER_ENTRY_POINT, SM_MODULE_DIR, SM_USER_ARGS, and PATH
// with tools_directory first (path: the PATH it extends).
Environment script_environment(const TrainingJob& job, const Hyperparameters& user, const ProgramFile& program,
                               const std::vector<std::string>& command, const std::string& tools_directory,
                               const std::string& path, unsigned cpus);

// The directory of the running executable (/proc/self/exe), where the newsclf tools are.
std::string executable_directory();

struct ProgramRun {
    int exit_status = 0;       // when it exited
    int killed_by = 0;         // the signal that ended it, when one did
    int stop_signal = 0;       // SIGTERM, SIGINT or SIGHUP received (and forwarded) while it ran
    std::string stderr_tail;   // the last lines it wrote to standard error
};

// Runs command (its first word found on the environment's PATH) in `directory` with the current
// environment plus `environment`, in a process group of its own, standard input empty,
// standard output shared, standard error passed through while its last 4 KiB are kept. SIGTERM,
// SIGINT and SIGHUP are forwarded to its process group (and it is killed if it has not ended 10 s
// later). An IoError when it cannot be started.
ProgramRun run_program(const std::vector<std::string>& command, const std::string& directory,
                       const Environment& environment);

// "sagemaker_program train.sh exited with status 2" (or "was killed by signal 9"), then the last
// lines of its standard error that fit in the 1,024 bytes SageMaker shows of a failure.
std::string program_failure(const std::string& program, const ProgramRun& run);

}  // namespace newsclf
