// parallel_for: workers on std::thread, each job's exception caught in its worker and thrown again
// in the caller once all have been joined.
#include "newsclf/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace newsclf {

namespace {

// Whether this thread runs a job of parallel_for or ordered_pipeline: a parallel_for inside one
// runs its jobs on this thread alone, as the threads are all taken already (a network's own
// threads inside a training step or a prediction batch that has its own).
thread_local bool in_parallel_job = false;

class ParallelJobScope {
public:
    ParallelJobScope() : outer_(in_parallel_job) { in_parallel_job = true; }
    ~ParallelJobScope() { in_parallel_job = outer_; }
    ParallelJobScope(const ParallelJobScope&) = delete;
    ParallelJobScope& operator=(const ParallelJobScope&) = delete;

private:
    bool outer_;
};

}  // namespace

std::size_t resolve_threads(std::size_t requested) {
    if (requested > 0) return requested;
    // Under Open MPI's mpirun the host's CPUs are shared by the ranks it started on this host.
    std::size_t ranks_here = 1;
    if (const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE")) ranks_here = static_cast<std::size_t>(std::max(1L, std::atol(local)));
    return std::max<std::size_t>(1, std::thread::hardware_concurrency() / ranks_here);
}

void parallel_for(std::size_t threads, std::size_t jobs, const std::function<void(std::size_t)>& job) {
    const std::size_t workers = in_parallel_job ? 1 : std::max<std::size_t>(1, std::min(threads, jobs));
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
        ParallelJobScope scope;
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

namespace {

// The shared state of ordered_pipeline's jobs, guarded by `mutex`.
struct PipelineState {
    enum class Slot { free, ready, done };
    explicit PipelineState(std::size_t window) : slots(window, Slot::free), errors(window) {}
    std::mutex mutex;
    std::condition_variable job_ready, job_done;
    std::vector<Slot> slots;
    std::vector<std::exception_ptr> errors;
    std::size_t produced = 0;   // jobs 0..produced-1 have their input
    std::size_t taken = 0;      // jobs 0..taken-1 have gone to a worker
    bool finished = false;      // no more jobs will be produced
    bool stopping = false;      // a job failed: the workers take no more
};

}  // namespace

void ordered_pipeline(std::size_t threads, std::size_t window, const std::function<bool(std::size_t)>& produce,
                      const std::function<void(std::size_t)>& work, const std::function<void(std::size_t)>& consume) {
    if (threads <= 1) {
        for (std::size_t k = 0; produce(k); ++k) {
            work(k);
            consume(k);
        }
        return;
    }
    window = std::max<std::size_t>(window, 1);
    PipelineState state(window);
    auto worker = [&] {
        ParallelJobScope scope;
        for (;;) {
            std::unique_lock<std::mutex> lock(state.mutex);
            state.job_ready.wait(lock, [&] { return state.taken < state.produced || state.finished; });
            if (state.stopping || state.taken == state.produced) return;
            const std::size_t k = state.taken++;
            lock.unlock();
            std::exception_ptr error;
            try {
                work(k);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            state.errors[k % window] = error;
            state.slots[k % window] = PipelineState::Slot::done;
            state.job_done.notify_all();
        }
    };
    // The calling thread: produces up to `window` jobs ahead and consumes them in order.
    auto coordinator = [&] {
        std::size_t next = 0;  // the next job to consume
        bool ended = false;
        std::size_t failed_at = static_cast<std::size_t>(-1);  // the job whose produce threw
        std::exception_ptr produce_error;
        auto stop = [&](bool failed) {
            std::lock_guard<std::mutex> lock(state.mutex);
            state.finished = true;
            state.stopping = failed;
            state.job_ready.notify_all();
        };
        try {
            for (;;) {
                while (!ended && state.produced < next + window) {
                    const std::size_t k = state.produced;
                    bool more = false;
                    try {
                        more = produce(k);
                    } catch (...) {
                        produce_error = std::current_exception();
                        failed_at = k;
                    }
                    std::lock_guard<std::mutex> lock(state.mutex);
                    if (!more) {
                        ended = true;
                        state.finished = true;
                        state.job_ready.notify_all();
                        break;
                    }
                    state.slots[k % window] = PipelineState::Slot::ready;
                    ++state.produced;
                    state.job_ready.notify_one();
                }
                if (next == failed_at) std::rethrow_exception(produce_error);
                if (next == state.produced && ended) break;
                std::exception_ptr error;
                {
                    std::unique_lock<std::mutex> lock(state.mutex);
                    state.job_done.wait(lock, [&] { return state.slots[next % window] == PipelineState::Slot::done; });
                    error = state.errors[next % window];
                    state.errors[next % window] = nullptr;
                    state.slots[next % window] = PipelineState::Slot::free;
                }
                if (error) std::rethrow_exception(error);
                consume(next++);
            }
        } catch (...) {
            stop(true);
            throw;
        }
        stop(false);
    };
    run_workers(threads + 1, [&](std::size_t t) {
        if (t == 0) coordinator();
        else worker();
    });
}

}  // namespace newsclf
