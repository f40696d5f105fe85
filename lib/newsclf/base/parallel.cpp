// parallel_for: workers on std::thread, each job's exception caught in its worker and thrown again
// in the caller once all have been joined.
#include "newsclf/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace newsclf {

std::size_t resolve_threads(std::size_t requested) {
    if (requested > 0) return requested;
    // Under Open MPI's mpirun the host's CPUs are shared by the ranks it started on this host.
    std::size_t ranks_here = 1;
    if (const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE")) ranks_here = static_cast<std::size_t>(std::max(1L, std::atol(local)));
    return std::max<std::size_t>(1, std::thread::hardware_concurrency() / ranks_here);
}

void parallel_for(std::size_t threads, std::size_t jobs, const std::function<void(std::size_t)>& job) {
    const std::size_t workers = std::max<std::size_t>(1, std::min(threads, jobs));
    if (workers == 1) {
        for (std::size_t k = 0; k < jobs; ++k) job(k);
        return;
    }
    std::atomic<bool> failed{false};
    std::exception_ptr first;
    std::mutex first_mutex;
    auto record = [&](std::exception_ptr e) {
        std::lock_guard<std::mutex> lock(first_mutex);
        if (!first) first = std::move(e);
        failed.store(true, std::memory_order_relaxed);
    };
    auto work = [&](std::size_t t) {
        try {
            for (std::size_t k = t; k < jobs && !failed.load(std::memory_order_relaxed); k += workers) job(k);
        } catch (...) {
            record(std::current_exception());
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(workers - 1);
    try {
        for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work, t);
    } catch (...) {  // no thread to be had: the jobs of those that started still run, the rest do not
        record(std::current_exception());
    }
    work(0);
    for (auto& th : pool) th.join();
    if (first) std::rethrow_exception(first);
}

}  // namespace newsclf
