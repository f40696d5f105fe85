// Two ranks of a data-parallel training in one process, one thread each, without MPI: a
// Communicator whose collectives meet at a barrier. Run both ranks at once (base/parallel's
// run_workers(2, ...)), each with its FakeRank over one shared TwoRanks.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "newsclf/training/distributed.hpp"

namespace newsclf::test {

// Two ranks in one process, one thread each: every collective meets at a barrier, and both ranks
// sum the buffers in the same order, as MPI's ranks get the same sum.
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
};

class FakeRank : public Communicator {
public:
    FakeRank(TwoRanks& shared, std::size_t rank) : shared_(shared), rank_(rank) {}
    std::size_t rank() const override { return rank_; }
    std::size_t size() const override { return 2; }
    void allreduce_sum(float* data, std::size_t n) override { reduce(data, n, [](float a, float b) { return a + b; }); }
    void allreduce_max(long long* data, std::size_t n) override {
        reduce(data, n, [](long long a, long long b) { return std::max(a, b); });
    }
    void broadcast(float* data, std::size_t n, std::size_t root) override {
        shared_.buffers[rank_] = data;
        shared_.barrier();
        if (rank_ != root) std::copy_n(static_cast<const float*>(shared_.buffers[root]), n, data);
        shared_.barrier();
    }

private:
    template <typename T, typename Op>
    void reduce(T* data, std::size_t n, Op op) {
        shared_.buffers[rank_] = data;
        shared_.barrier();
        const T* a = static_cast<const T*>(shared_.buffers[0]);
        const T* b = static_cast<const T*>(shared_.buffers[1]);
        std::vector<T> out(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = op(a[i], b[i]);
        shared_.barrier();
        std::copy(out.begin(), out.end(), data);
    }
    TwoRanks& shared_;
    std::size_t rank_;
};

}  // namespace newsclf::test
