// The first host's part of an MPI job: mpirun over every host of the job, and how a process
// started by it knows its rank.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "newsclf/io/process.hpp"
#include "newsclf/sagemaker/distribution.hpp"
#include "newsclf/sagemaker/job.hpp"

namespace newsclf {

// This process's rank when Open MPI's mpirun started it (OMPI_COMM_WORLD_RANK), else none.
std::optional<std::size_t> mpi_rank();

// What mpirun runs on every slot of the job.
struct MpiProgram {
    std::vector<std::string> command;  // the program and its arguments
    std::string directory;             // mpirun's working directory, which its ranks start in; empty: the job's /opt/ml
    Environment environment;           // set for mpirun, and passed on to every rank by name (-x NAME)
    std::string name;                  // names the program in a failure ("sagemaker_program train.sh"); may be empty
};

// The variables every rank gets from mpirun's environment: PATH, then the program's, each once.
std::vector<std::string> mpi_exported_variables(const Environment& environment);

// The mpirun command line of the job (distribution.hpp's) for `program`, with the hostfile at
// `hostfile_path` and mpi_exported_variables of its environment.
std::vector<std::string> mpi_job_command(const TrainingJob& job, const MpiSettings& mpi,
                                         const std::string& hostfile_path, const MpiProgram& program);

// Whether mpirun reaches the other hosts through ssh: no plm_rsh_agent among the custom options
// (nor OMPI_MCA_plm_rsh_agent in `agent_variable`, the environment's value) names another agent.
bool mpi_uses_ssh(const MpiSettings& mpi, const char* agent_variable);

// Waits, as SageMaker's training toolkit does, until every host but this first one accepts a TCP
// connection on `port` (its sshd, which it starts as it starts), polling every `poll`; a DataError
// naming the hosts that did not within `timeout`.
struct SshWait {
    unsigned short port = 22;
    std::chrono::milliseconds timeout{300000};
    std::chrono::milliseconds poll{1000};
};
void wait_for_ssh(const std::vector<std::string>& hosts, const SshWait& wait);

// Writes the job's hostfile to the system's temporary directory and runs mpi_job_command in
// program.directory with program.environment; mpirun may run as root here, as SageMaker's
// containers do, and nowhere else (OMPI_ALLOW_RUN_AS_ROOT and its confirmation are set for mpirun
// alone); first, with several hosts reached through ssh, wait_for_ssh on the other hosts. Returns
// the stop signal that ended the job (SIGTERM ...), 0 when every rank succeeded;
// otherwise a DataError with the reason rank 0 wrote to the failure file (it shares this host's
// /opt/ml), then program.name, mpirun's status and the end of its standard error.
int launch_mpi_job(const TrainingJob& job, const MpiSettings& mpi, const MpiProgram& program);

}  // namespace newsclf
