// The communicator of a run without mpirun: one rank, collectives that leave the data as it is,
// and a weights check that passes; the MPI library named for --version.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "newsclf/training/distributed.hpp"

using namespace newsclf;

TEST_CASE("without mpirun, world() is one rank whose collectives change nothing") {
    REQUIRE(std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr);
    Communicator& comm = world();
    CHECK(&comm == &world());
    CHECK(comm.rank() == 0);
    CHECK(comm.size() == 1);
    std::vector<float> data{1.5f, -2.0f, 3.25f};
    comm.allreduce_sum(data.data(), data.size());
    CHECK(data == std::vector<float>{1.5f, -2.0f, 3.25f});
    comm.broadcast(data.data(), data.size(), 0);
    CHECK(data == std::vector<float>{1.5f, -2.0f, 3.25f});
    long long range[2] = {7, -7};
    comm.allreduce_max(range, 2);
    CHECK(range[0] == 7);
    CHECK(range[1] == -7);
    CHECK_NOTHROW(check_same_weights(comm, data));
}

TEST_CASE("mpi_library_version names the MPI built with, or none") {
    const std::string version = mpi_library_version();
    CHECK((version.rfind("Open MPI ", 0) == 0 || version == "none (built without)"));
}
