// MPI's world as a Communicator; every MPI failure becomes an Error (MPI_ERRORS_RETURN).
#include "newsclf/training/distributed.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"

#ifdef NEWSCLF_WITH_MPI
#include <mpi.h>
#endif

namespace newsclf {

namespace {

#ifdef NEWSCLF_WITH_MPI
void check(int code, const char* call) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw IoError(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// Buffers go in pieces of 4 MB. Open MPI's allreduce takes a scratch buffer of the message's size
// from malloc at every call, and one of tens of MB is fresh memory each time, paid for in page
// faults: on this project's 2-core machine a 74 MB allreduce of 2 ranks took 0.50 s whole and
// 0.055-0.079 s in 4 MB pieces, whose scratch buffers the heap reuses. (MPI counts are ints too.)
constexpr std::size_t max_count = 1u << 20;

bool mpi_started = false;

class MpiWorld : public Communicator {
public:
    MpiWorld() {
        int initialized = 0;
        MPI_Initialized(&initialized);
        if (!initialized && MPI_Init(nullptr, nullptr) != MPI_SUCCESS) throw IoError("MPI_Init failed");
        std::atexit([] {
            int finalized = 0;
            MPI_Finalized(&finalized);
            if (!finalized) MPI_Finalize();
        });
        check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
        int r = 0, s = 1;
        check(MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank");
        check(MPI_Comm_size(MPI_COMM_WORLD, &s), "MPI_Comm_size");
        rank_ = static_cast<std::size_t>(r);
        size_ = static_cast<std::size_t>(s);
        mpi_started = true;
    }
    std::size_t rank() const override { return rank_; }
    std::size_t size() const override { return size_; }
    void allreduce_sum(float* data, std::size_t n) override {
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t at = 0; at < n; at += max_count)
            check(MPI_Allreduce(MPI_IN_PLACE, data + at, static_cast<int>(std::min(max_count, n - at)), MPI_FLOAT, MPI_SUM,
                                MPI_COMM_WORLD),
                  "MPI_Allreduce");
        ++traffic_.allreduces;
        traffic_.bytes += static_cast<double>(n * sizeof(float));
        traffic_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    void broadcast(float* data, std::size_t n, std::size_t root) override {
        for (std::size_t at = 0; at < n; at += max_count)
            check(MPI_Bcast(data + at, static_cast<int>(std::min(max_count, n - at)), MPI_FLOAT, static_cast<int>(root),
                            MPI_COMM_WORLD),
                  "MPI_Bcast");
    }
    void allreduce_max(long long* data, std::size_t n) override {
        check(MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD),
              "MPI_Allreduce");
    }

private:
    std::size_t rank_ = 0, size_ = 1;
};
#endif

}  // namespace

Communicator& world() {
#ifdef NEWSCLF_WITH_MPI
    // Open MPI's launcher sets this in every process it starts; a plain run never touches MPI.
    if (std::getenv("OMPI_COMM_WORLD_SIZE")) {
        static MpiWorld mpi;
        return mpi;
    }
#endif
    static Communicator single;
    return single;
}

void abort_other_ranks(int exit_code) {
#ifdef NEWSCLF_WITH_MPI
    if (mpi_started && world().size() > 1) {
        std::fflush(stdout);
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, exit_code);
    }
#endif
}

void broadcast_values(Communicator& comm, std::vector<float>& values, std::size_t root) {
    if (comm.size() == 1) return;
    long long count = comm.rank() == root ? static_cast<long long>(values.size()) : 0;
    comm.allreduce_max(&count, 1);
    values.resize(static_cast<std::size_t>(count));
    comm.broadcast(values.data(), values.size(), root);
}

void check_same_weights(Communicator& comm, const std::vector<float>& params) {
    if (comm.size() == 1) return;
    const long long crc = crc32_of(std::string_view(reinterpret_cast<const char*>(params.data()), params.size() * sizeof(float)));
    long long range[2] = {crc, -crc};
    comm.allreduce_max(range, 2);
    if (range[0] != -range[1]) {
        char text[128];
        std::snprintf(text, sizeof text, "CRC-32 from %08llx to %08llx; rank %zu has %08llx", -range[1], range[0],
                      comm.rank(), crc);
        throw InternalError("the " + std::to_string(comm.size()) +
                            " ranks ended training with different weights (" + text + ")");
    }
}

std::string traffic_summary(const Traffic& traffic, double training_seconds) {
    char text[160];
    const double each = traffic.allreduces > 0 ? traffic.bytes / static_cast<double>(traffic.allreduces) : 0.0;
    std::snprintf(text, sizeof text, "%zu allreduces of %.3f MB each took %.2f s, %.1f%% of the %.2f s of training",
                  traffic.allreduces, each / 1e6, traffic.seconds,
                  training_seconds > 0 ? 100.0 * traffic.seconds / training_seconds : 0.0, training_seconds);
    return text;
}

std::string mpi_library_version() {
#if defined(NEWSCLF_WITH_MPI) && defined(OMPI_MAJOR_VERSION)
    return "Open MPI " + std::to_string(OMPI_MAJOR_VERSION) + "." + std::to_string(OMPI_MINOR_VERSION) + "." +
           std::to_string(OMPI_RELEASE_VERSION);
#elif defined(NEWSCLF_WITH_MPI)
    return "MPI " + std::to_string(MPI_VERSION) + "." + std::to_string(MPI_SUBVERSION);
#else
    return "none (built without)";
#endif
}

}  // namespace newsclf
