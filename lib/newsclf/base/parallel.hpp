// The one way the library starts threads: a fan-out that joins every worker and carries the first
// exception of any of them back to the caller, so that a failing worker ends in the tools'
// documented exit codes instead of std::terminate.
#pragma once
#include <cstddef>
#include <functional>

namespace newsclf {

// Threads to use for a request: `requested`, or for 0 one per CPU (under mpirun, per CPU of this
// rank's share of the host: its CPUs divided by the ranks started on it).
std::size_t resolve_threads(std::size_t requested);

// Runs job(k) for every k < jobs, on min(threads, jobs) workers (at least one): job k on worker
// k % workers, in increasing k, worker 0 being the calling thread. Returns once every worker has
// stopped; if any job threw, throws again the exception caught first, after every worker has been
// joined. Once a job has thrown, no worker starts another job.
void parallel_for(std::size_t threads, std::size_t jobs, const std::function<void(std::size_t)>& job);

// worker(t) for t < workers, each on a worker of its own (worker 0 the calling thread), with the
// exception handling of parallel_for.
inline void run_workers(std::size_t workers, const std::function<void(std::size_t)>& worker) {
    parallel_for(workers, workers, worker);
}

}  // namespace newsclf
