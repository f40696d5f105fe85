#include "newsclf/sagemaker/mpi_launch.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/process.hpp"

namespace newsclf {

std::optional<std::size_t> mpi_rank() {
    const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
    if (!rank || !*rank) return std::nullopt;
    std::size_t r = 0;
    const std::string_view text(rank);
    const auto res = std::from_chars(text.data(), text.data() + text.size(), r);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size())
        throw UsageError("OMPI_COMM_WORLD_RANK is \"" + std::string(text) + "\", not a rank");
    return r;
}

std::vector<std::string> mpi_exported_variables(const Environment& environment) {
    std::vector<std::string> names = {"PATH"};
    for (const auto& [name, value] : environment)
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    return names;
}

std::vector<std::string> mpi_job_command(const TrainingJob& job, const MpiSettings& mpi,
                                         const std::string& hostfile_path, const MpiProgram& program) {
    return mpirun_command(job.resources, mpi, hostfile_path, mpi_exported_variables(program.environment),
                          program.command);
}

bool mpi_uses_ssh(const MpiSettings& mpi, const char* agent_variable) {
    if (agent_variable && *agent_variable) return false;
    for (const auto& word : mpi.custom_options)
        if (word.find("plm_rsh_agent") != std::string::npos) return false;
    return true;
}

namespace {

// Whether host:port accepts a connection within about a second.
bool accepts(const std::string& host, unsigned short port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return false;
    bool ok = false;
    for (addrinfo* a = found; a && !ok; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            ok = true;
        } else if (errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int error = 0;
            socklen_t size = sizeof error;
            ok = ::poll(&p, 1, 1000) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return ok;
}

}  // namespace

void wait_for_ssh(const std::vector<std::string>& hosts, const SshWait& wait) {
    if (hosts.size() < 2) return;
    std::vector<std::string> waiting(hosts.begin() + 1, hosts.end());
    log_info("waiting for the other hosts' sshd (port " + std::to_string(wait.port) + ")");
    const auto deadline = std::chrono::steady_clock::now() + wait.timeout;
    while (true) {
        waiting.erase(std::remove_if(waiting.begin(), waiting.end(),
                                     [&](const std::string& host) { return accepts(host, wait.port); }),
                      waiting.end());
        if (waiting.empty()) return;
        if (std::chrono::steady_clock::now() >= deadline) {
            std::string names;
            for (const auto& host : waiting) names += (names.empty() ? "" : ", ") + host;
            throw DataError("no sshd answered on port " + std::to_string(wait.port) + " of " + names + " within " +
                            std::to_string(wait.timeout.count() / 1000) +
                            " s: mpirun cannot start the job's processes there (or name another launch agent with "
                            "--mca plm_rsh_agent in sagemaker_mpi_custom_mpi_options)");
        }
        std::this_thread::sleep_for(wait.poll);
    }
}

int launch_mpi_job(const TrainingJob& job, const MpiSettings& mpi, const MpiProgram& program) {
    const std::string hostfile = (std::filesystem::temp_directory_path() /
                                  ("newsclf-hostfile-" + std::to_string(::getpid()))).string();
    if (job.resources.hosts.size() > 1 && mpi_uses_ssh(mpi, std::getenv("OMPI_MCA_plm_rsh_agent")))
        wait_for_ssh(job.resources.hosts, {});
    write_bytes(hostfile, mpi_hostfile(job.resources, mpi));
    // mpirun refuses root unless both are set; set for mpirun alone, by this launcher. Only the
    // names of the program's variables reach mpirun's command line, their values its environment.
    Environment environment = {{"OMPI_ALLOW_RUN_AS_ROOT", "1"}, {"OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"}};
    environment.insert(environment.end(), program.environment.begin(), program.environment.end());
    const auto command = mpi_job_command(job, mpi, hostfile, program);
    std::string shown;
    for (const auto& word : command) shown += (shown.empty() ? "" : " ") + word;
    log_info("starting " + shown);
    const ProgramRun run = run_program(command, program.directory.empty() ? job.opt_ml : program.directory, environment);
    std::error_code ec;
    std::filesystem::remove(hostfile, ec);
    if (run.stop_signal) return run.stop_signal;
    if (run.exit_status != 0 || run.killed_by != 0) {
        // Rank 0 runs on this host with this /opt/ml: the reason it wrote comes first.
        std::string reason;
        if (std::filesystem::is_regular_file(job.failure_path(), ec)) {
            reason = read_bytes(job.failure_path()).str();
            while (!reason.empty() && reason.back() == '\n') reason.pop_back();
            reason += "\n";
        }
        std::string tail = run.stderr_tail;
        if (tail.size() > 800) tail = tail.substr(tail.size() - 800);
        throw DataError(reason + (program.name.empty() ? std::string() : program.name + " failed on a rank: ") +
                        "mpirun " + (run.killed_by ? "was killed by signal " + std::to_string(run.killed_by)
                                                   : "exited with status " + std::to_string(run.exit_status)) +
                        (tail.empty() ? std::string() : "; the end of its standard error:\n" + tail));
    }
    return 0;
}

}  // namespace newsclf
