#include "newsclf/sagemaker/mpi_worker.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/io/process.hpp"

namespace fs = std::filesystem;

namespace newsclf {

bool process_running(const std::string& name) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string pid = entry.path().filename().string();
        if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
        std::ifstream comm(entry.path() / "comm");
        std::string running;
        // A process may end between the listing and the read: then it is simply not there.
        if (std::getline(comm, running) && running == name) return true;
    }
    return false;
}

namespace {

std::string failure_of(const std::string& what, const ProgramRun& run) {
    std::string tail = run.stderr_tail;
    while (!tail.empty() && tail.back() == '\n') tail.pop_back();
    if (tail.size() > 800) tail = tail.substr(tail.size() - 800);
    return what + (run.killed_by ? " was killed by signal " + std::to_string(run.killed_by)
                                 : " exited with status " + std::to_string(run.exit_status)) +
           (tail.empty() ? std::string() : ": " + tail);
}

bool has_host_key(const fs::path& directory) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("ssh_host_", 0) == 0 && name.size() > 4 && name.compare(name.size() - 4, 4, "_key") == 0)
            return true;
    }
    return false;
}

}  // namespace

bool start_sshd(const SshdStart& sshd) {
    std::error_code ec;
    if (!fs::exists(sshd.program, ec)) {
        log_info("no " + sshd.program + " on this host: the first host's mpirun must reach it by another launch "
                 "agent (its plm_rsh_agent, in sagemaker_mpi_custom_mpi_options)");
        return false;
    }
    if (!fs::is_directory(sshd.run_directory, ec)) {
        fs::create_directories(sshd.run_directory, ec);
        if (ec) throw DataError("cannot start sshd: cannot make its directory " + sshd.run_directory + ": " +
                                ec.message());
        fs::permissions(sshd.run_directory, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                                fs::perms::others_read | fs::perms::others_exec, ec);
    }
    const fs::path keys = fs::path(sshd.keys_root) / "etc/ssh";
    if (!has_host_key(keys)) {
        log_info("no SSH host key in " + keys.string() + ": making them with ssh-keygen -A");
        fs::create_directories(keys, ec);
        std::vector<std::string> keygen = {"ssh-keygen", "-A"};
        if (fs::path(sshd.keys_root) != "/") keygen.insert(keygen.end(), {"-f", sshd.keys_root});
        const ProgramRun made = run_program(keygen, "/", {});
        if (made.exit_status != 0 || made.killed_by != 0)
            throw DataError("cannot start sshd: " + failure_of("ssh-keygen -A", made));
    }
    // Without -D sshd checks its configuration and keys, then goes to the background: its status
    // says whether it could start.
    const ProgramRun run = run_program({sshd.program}, "/", {});
    if (run.exit_status != 0 || run.killed_by != 0)
        throw DataError("cannot start sshd: " + failure_of(sshd.program, run) +
                        "; the first host's mpirun cannot reach this host through it");
    log_info("started " + sshd.program + ", through which the first host's mpirun starts this host's processes");
    return true;
}

void wait_for_mpi_processes(const MpiWorkerWait& wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait.start_timeout;
    log_info("waiting for the first host to start this host's " + wait.process_name + " processes");
    while (!process_running(wait.process_name)) {
        if (std::chrono::steady_clock::now() >= deadline)
            throw DataError("no " + wait.process_name + " process started on this host within " +
                            std::to_string(wait.start_timeout.count() / 1000) +
                            " s: the first host's mpirun never reached it");
        std::this_thread::sleep_for(wait.poll);
    }
    log_info(wait.process_name + " started; waiting for the job's processes to end");
    while (process_running(wait.process_name)) std::this_thread::sleep_for(wait.poll);
    log_info("the job's processes have ended on this host");
}

}  // namespace newsclf
