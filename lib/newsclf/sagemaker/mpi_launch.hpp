// The first host's part of an MPI job: mpirun over every host of the job, and how a process
// started by it knows its rank.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "newsclf/sagemaker/distribution.hpp"
#include "newsclf/sagemaker/job.hpp"

namespace newsclf {

// This process's rank when Open MPI's mpirun started it (OMPI_COMM_WORLD_RANK), else none.
std::optional<std::size_t> mpi_rank();

// Writes the job's hostfile to the system's temporary directory and runs mpirun (distribution.hpp's
// command line) with `program` on every slot; mpirun may run as root here, as SageMaker's
// containers do, and nowhere else. Returns the stop signal that ended the job (SIGTERM ...), 0
// when every rank succeeded; otherwise a DataError with the reason rank 0 wrote to the failure
// file (it shares this host's /opt/ml), then mpirun's status and the end of its standard error.
int launch_mpi_job(const TrainingJob& job, const MpiSettings& mpi, const std::vector<std::string>& program);

}  // namespace newsclf
