#include "newsclf/sagemaker/mpi_launch.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>

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

int launch_mpi_job(const TrainingJob& job, const MpiSettings& mpi, const MpiProgram& program) {
    const std::string hostfile = (std::filesystem::temp_directory_path() /
                                  ("newsclf-hostfile-" + std::to_string(::getpid()))).string();
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
