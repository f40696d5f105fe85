// How a SageMaker training job spreads over its hosts, as SageMaker's training toolkit does it:
// the MPI settings of the hyperparameters, this host's part in the job, and the hostfile and
// mpirun command line the first host starts. Every value stays one argument: nothing here is
// ever given to a shell.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "newsclf/sagemaker/config.hpp"

namespace newsclf {

struct MpiSettings {
    bool enabled = false;
    std::size_t processes_per_host = 1;
    std::vector<std::string> custom_options;  // sagemaker_mpi_custom_mpi_options, split at white space
};

// From sagemaker_mpi_enabled, sagemaker_mpi_num_of_processes_per_host and
// sagemaker_mpi_custom_mpi_options, or from sagemaker_distribution, the SDK's
// {"mpi": {"enabled": true, "processes_per_host": 2, "custom_mpi_options": "..."}}. A value that
// is not a boolean, a count of at least 1 or that JSON is a UsageError naming the hyperparameter
// and `source`.
MpiSettings mpi_settings(const Hyperparameters& hyperparameters, const std::string& source);

enum class HostRole {
    alone,     // one host, no MPI: train here
    launcher,  // MPI, the first host: starts mpirun over every host
    worker,    // MPI, another host: lets mpirun start its processes, then exits 0
    idle,      // several hosts without MPI, not the first: nothing to do, exit 0 at once
};
// Several hosts without MPI train on the first alone, so that no host trains the same model twice.
HostRole host_role(const ResourceConfig& resources, const MpiSettings& mpi);

// One line a host, "algo-1 slots=2", in the job's order.
std::string mpi_hostfile(const ResourceConfig& resources, const MpiSettings& mpi);

// mpirun over every host of the hostfile (one host: this one, without a hostfile), processes_per_host on each, the variables named in
// `exported` passed on with -x, the custom options, then the program and its arguments. A rank
// that fails ends the job on every host.
std::vector<std::string> mpirun_command(const ResourceConfig& resources, const MpiSettings& mpi,
                                        const std::string& hostfile_path, const std::vector<std::string>& exported,
                                        const std::vector<std::string>& program);

}  // namespace newsclf
