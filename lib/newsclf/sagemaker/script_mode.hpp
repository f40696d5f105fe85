// SageMaker's script mode: the hyperparameter sagemaker_program names a file of the job's code
// that trains instead of newsclf-train, run in the code directory with SageMaker's SM_*
// environment variables; its output passes through, its failure fails the job.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "newsclf/io/process.hpp"
#include "newsclf/sagemaker/config.hpp"
#include "newsclf/sagemaker/distribution.hpp"
#include "newsclf/sagemaker/job.hpp"

namespace newsclf {

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

// "sagemaker_program train.sh exited with status 2" (or "was killed by signal 9"), then the last
// lines of its standard error that fit in the 1,024 bytes SageMaker shows of a failure.
std::string program_failure(const std::string& program, const ProgramRun& run);

// The job's code on this host: fetched when sagemaker_submit_directory names it and the program is
// not here already (submit_directory.hpp), then the job's sagemaker_program found. Every host of
// an MPI job does this, so that the program is at the same place on each. hps.program must be set.
ProgramFile fetch_program(const TrainingJob& job, const JobHyperparameters& hps);

// What script mode runs, in process or on every rank of mpirun: the program, its command, its
// variables (script_environment's, with the tools of this executable's directory first on PATH
// and SM_NUM_CPUS `cpus`); the program fetched and its model and output directories made.
struct ScriptRun {
    ProgramFile program;
    std::vector<std::string> command;
    Environment environment;
};
ScriptRun prepare_script_mode(const TrainingJob& job, const JobHyperparameters& hps, unsigned cpus);

// Script mode as newsclf-train runs it: prepare_script_mode's command run in its code directory
// with its variables; its output passes through. Returns the signal (SIGTERM, SIGINT, SIGHUP)
// that stopped the job while it ran, 0 when the program succeeded; a DataError with
// program_failure's message when it failed. hps.program must be set.
int run_script_mode(const TrainingJob& job, const JobHyperparameters& hps, unsigned cpus);

// Script mode under MPI, on the first host, as SageMaker's training toolkit runs it: mpirun
// (mpi_launch.hpp, the job's hostfile and custom options) runs prepare_script_mode's command on
// every slot, in the code directory, its variables passed on to every rank by name (-x SM_...,
// -x PATH). A newsclf-fit in the program joins the job itself. Returns as launch_mpi_job does:
// the stop signal or 0; a DataError naming the program when a rank failed.
int launch_script_mode(const TrainingJob& job, const JobHyperparameters& hps, const MpiSettings& mpi, unsigned cpus);

}  // namespace newsclf
