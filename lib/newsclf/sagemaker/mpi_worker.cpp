#include "newsclf/sagemaker/mpi_worker.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <thread>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"

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
