// The part of a host that is not the first in an MPI job, as SageMaker's training toolkit plays
// it: the first host's mpirun starts this host's processes (through sshd, or another launch
// agent), and this host's entry point only waits until they have come and gone.
#pragma once
#include <chrono>
#include <string>

namespace newsclf {

// Whether a process whose name (/proc/PID/comm) is `name` runs on this machine.
bool process_running(const std::string& name);

struct MpiWorkerWait {
    std::string process_name = "orted";             // what mpirun starts on every other host
    std::chrono::milliseconds start_timeout{600000};  // for the first of them to appear
    std::chrono::milliseconds poll{500};
};

// Returns once a process named wait.process_name has appeared and none is left; a DataError when
// none appeared within wait.start_timeout (the first host never started the job).
void wait_for_mpi_processes(const MpiWorkerWait& wait);

}  // namespace newsclf
