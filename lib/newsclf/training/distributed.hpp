// The ranks of a data-parallel training run: MPI's world under mpirun, else one rank that makes
// no MPI call. Gradients are averaged with one allreduce over the step's flat buffer, as Horovod does.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace newsclf {

// What the allreduce_sum calls of a communicator moved, and the time spent in them.
struct Traffic {
    std::size_t allreduces = 0;
    double bytes = 0;  // of the buffers reduced
    double seconds = 0;
};

class Communicator {
public:
    virtual ~Communicator() = default;
    virtual std::size_t rank() const { return 0; }
    virtual std::size_t size() const { return 1; }
    // Sums data[0, n) over the ranks, in place, on every rank.
    virtual void allreduce_sum(float* data, std::size_t n) {}
    // Every rank's data[0, n) becomes root's.
    virtual void broadcast(float* data, std::size_t n, std::size_t root) {}
    // The largest of each value over the ranks, in place (the checksum comparison's one call).
    virtual void allreduce_max(long long* data, std::size_t n) {}
    const Traffic& traffic() const { return traffic_; }

protected:
    Traffic traffic_;
};

// "412 allreduces of 1.23 MB each took 0.85 s, 12.4% of the 6.85 s of training": a line for the
// log of rank 0 after training over several ranks.
std::string traffic_summary(const Traffic& traffic, double training_seconds);

// The process's communicator: MPI's world (MPI_Init on first use, MPI_Finalize at exit) when the
// process was started by Open MPI's mpirun and newsclf was built with MPI; else one rank.
Communicator& world();

// Every rank's values become root's, whatever their number was before (the sizes agree by one
// allreduce first).
void broadcast_values(Communicator& comm, std::vector<float>& values, std::size_t root);

// After a failure on this rank, under mpirun with MPI started: MPI_Abort with the exit code, so
// that the other ranks, which may wait in a collective for this one, end too (MPI_Finalize would
// wait for them). Else nothing.
void abort_other_ranks(int exit_code);

// Throws InternalError naming the disagreement unless every rank holds the same params (compared
// by a CRC-32 of their bytes: the largest and the smallest over the ranks, in one allreduce).
void check_same_weights(Communicator& comm, const std::vector<float>& params);

// "Open MPI 4.1.4", or "none (built without)".
std::string mpi_library_version();

}  // namespace newsclf
