// Two ranks in one process, one thread each, without MPI: collectives that meet at a barrier.
// Run both ranks at once (base/parallel's run_workers(2, ...)), over one shared TwoRanks; the
// training layer's Communicator over it is fake_ranks.hpp's FakeRank.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace newsclf::test {

// Every collective meets at a barrier, and both ranks combine the buffers in the same order, as
// MPI's ranks get the same sum.
struct TwoRanks {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t arrived = 0, generation = 0;
    void* buffers[2] = {nullptr, nullptr};
    void barrier() {
        std::unique_lock<std::mutex> lock(mutex);
        const std::size_t g = generation;
        if (++arrived == 2) {
            arrived = 0;
            ++generation;
            changed.notify_all();
        } else {
            changed.wait(lock, [&] { return generation != g; });
        }
    }
    // data[i] = op(rank 0's data[i], rank 1's data[i]) on both ranks.
    template <typename T, typename Op>
    void reduce(std::size_t rank, T* data, std::size_t n, Op op) {
        buffers[rank] = data;
        barrier();
        const T* a = static_cast<const T*>(buffers[0]);
        const T* b = static_cast<const T*>(buffers[1]);
        std::vector<T> out(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = op(a[i], b[i]);
        barrier();
        std::copy(out.begin(), out.end(), data);
    }
    template <typename T>
    void broadcast(std::size_t rank, T* data, std::size_t n, std::size_t root) {
        buffers[rank] = data;
        barrier();
        if (rank != root) std::copy_n(static_cast<const T*>(buffers[root]), n, data);
        barrier();
    }
};

}  // namespace newsclf::test
