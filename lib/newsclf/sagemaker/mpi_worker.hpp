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

// The SSH server through which the first host's mpirun starts this host's processes, as
// SageMaker's MPI images run it.
struct SshdStart {
    std::string program = "/usr/sbin/sshd";  // newsclf-train takes $NEWSCLF_SSHD instead when it is set
    std::string run_directory = "/run/sshd";  // its privilege separation directory, made when missing
    std::string keys_root = "/";              // host keys in KEYS_ROOT/etc/ssh, made by ssh-keygen -A when none is there
};

// Starts sshd, which puts itself in the background, and says so; true then. When there is no
// sshd, says that the first host's launch agent must reach this host otherwise (mpirun's
// plm_rsh_agent) and returns false. A DataError naming sshd, its status and the end of its
// standard error when it (or ssh-keygen) fails.
bool start_sshd(const SshdStart& sshd);

// Returns once a process named wait.process_name has appeared and none is left; a DataError when
// none appeared within wait.start_timeout (the first host never started the job).
void wait_for_mpi_processes(const MpiWorkerWait& wait);

}  // namespace newsclf
