// Two ranks of a data-parallel training in one process, one thread each, without MPI: a
// Communicator over two_ranks.hpp's TwoRanks. Run both ranks at once (base/parallel's
// run_workers(2, ...)), each with its FakeRank over one shared TwoRanks.
#pragma once

#include <algorithm>
#include <cstddef>

#include "newsclf/training/distributed.hpp"
#include "two_ranks.hpp"

namespace newsclf::test {

class FakeRank : public Communicator {
public:
    FakeRank(TwoRanks& shared, std::size_t rank) : shared_(shared), rank_(rank) {}
    std::size_t rank() const override { return rank_; }
    std::size_t size() const override { return 2; }
    void allreduce_sum(float* data, std::size_t n) override {
        shared_.reduce(rank_, data, n, [](float a, float b) { return a + b; });
    }
    void allreduce_max(long long* data, std::size_t n) override {
        shared_.reduce(rank_, data, n, [](long long a, long long b) { return std::max(a, b); });
    }
    void broadcast(float* data, std::size_t n, std::size_t root) override { shared_.broadcast(rank_, data, n, root); }

private:
    TwoRanks& shared_;
    std::size_t rank_;
};

}  // namespace newsclf::test
