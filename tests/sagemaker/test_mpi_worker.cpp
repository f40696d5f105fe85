// A worker host's wait: for processes of a name to come and go, and the failure when none comes.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "newsclf/base/error.hpp"
#include "newsclf/sagemaker/mpi_worker.hpp"

#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;
using namespace std::chrono_literals;

TEST_CASE("process_running sees processes by name") {
    CHECK(!process_running("newsclf-no-such-process"));
    TempDir dir;
    // A copy of sleep named as the process to wait for: its /proc/PID/comm is that name.
    const std::string fake = dir.file("nclf-orted-t1");
    std::filesystem::copy_file("/bin/sleep", fake);
    REQUIRE(std::system((fake + " 1 &").c_str()) == 0);
    std::this_thread::sleep_for(200ms);
    CHECK(process_running("nclf-orted-t1"));
}

TEST_CASE("wait_for_mpi_processes returns once the processes have come and gone") {
    TempDir dir;
    const std::string fake = dir.file("nclf-orted-t2");
    std::filesystem::copy_file("/bin/sleep", fake);
    // Starts 0.3 s from now and runs for 0.5 s.
    REQUIRE(std::system(("(sleep 0.3; " + fake + " 0.5) >/dev/null 2>&1 &").c_str()) == 0);
    const auto start = std::chrono::steady_clock::now();
    wait_for_mpi_processes({"nclf-orted-t2", 10s, 50ms});
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 700ms);
    CHECK(took < 5s);
    CHECK(!process_running("nclf-orted-t2"));
}

TEST_CASE("no process within the timeout: a DataError that says the first host never reached this one") {
    const std::string message =
        message_of<DataError>([] { wait_for_mpi_processes({"newsclf-no-such-process", 200ms, 20ms}); });
    CHECK(contains(message, "newsclf-no-such-process"));
    CHECK(contains(message, "never reached it"));
}
