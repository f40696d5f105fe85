// The one way the library starts threads: a fan-out that joins every worker and carries the first
// exception of any of them back to the caller, so that a failing worker ends in the tools'
// documented exit codes instead of std::terminate.
#pragma once
#include <algorithm>
#include <cstddef>
#include <functional>

namespace newsclf {

// Threads to use for a request: `requested`, or for 0 one per CPU (under mpirun, per CPU of this
// rank's share of the host: its CPUs divided by the ranks started on it).
std::size_t resolve_threads(std::size_t requested);

// Runs job(k) for every k < jobs, on min(threads, jobs) workers (at least one): job k on worker
// k % workers, in increasing k, worker 0 being the calling thread. Returns once every worker has
// stopped; if any job threw, throws again the exception caught first, after every worker has been
// joined. Once a job has thrown, no worker starts another job. Called from a job of parallel_for
// or of ordered_pipeline's workers, it runs every job on the calling thread.
void parallel_for(std::size_t threads, std::size_t jobs, const std::function<void(std::size_t)>& job);

// worker(t) for t < workers, each on a worker of its own (worker 0 the calling thread), with the
// exception handling of parallel_for.
inline void run_workers(std::size_t workers, const std::function<void(std::size_t)>& worker) {
    parallel_for(workers, workers, worker);
}

// job(from, to) for [0, n) cut into ranges of `range` elements (the last one shorter), on up to
// `threads` threads as parallel_for runs them: for loops over buffers of megabytes whose
// elements are each their own, the same result whatever the number of threads.
inline void parallel_ranges(std::size_t threads, std::size_t n, std::size_t range,
                            const std::function<void(std::size_t, std::size_t)>& job) {
    parallel_for(threads, (n + range - 1) / range, [&](std::size_t k) { job(k * range, std::min(n, (k + 1) * range)); });
}

// A stream of jobs worked on in parallel and finished in order: produce(k), on the calling thread
// and in increasing k, fills job k's input and says whether there is one (false: the input has
// ended); work(k) runs on one of `threads` workers; consume(k) runs on the calling thread in
// increasing k, once work(k) is done. At most `window` jobs are in flight, so the caller keeps
// their inputs and results in `window` slots, job k in slot k % window, and memory stays bounded
// however long the input. With threads 1, produce, work and consume take turns on the calling
// thread (the plain path). An exception ends the pipeline after the workers have stopped; the
// one thrown is that of the earliest job (produce's of job k counting as job k's), which is what
// the plain path would throw, and every job before it has been consumed.
void ordered_pipeline(std::size_t threads, std::size_t window, const std::function<bool(std::size_t)>& produce,
                      const std::function<void(std::size_t)>& work, const std::function<void(std::size_t)>& consume);

}  // namespace newsclf
