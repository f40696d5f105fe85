// A worker host's wait: for processes of a name to come and go, and the failure when none comes.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
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

TEST_CASE("start_sshd without an sshd: false, and the worker goes on waiting") {
    TempDir dir;
    CHECK(!start_sshd({dir.file("no-sshd"), dir.file("run/sshd"), dir.path}));
    CHECK(!std::filesystem::exists(dir.file("run/sshd")));
}

TEST_CASE("start_sshd: its directory and host keys made, then sshd started in the background") {
    TempDir dir;
    // A stand-in sshd that records how it was started and what it found, then exits 0 as sshd
    // does once it has gone to the background.
    write_file(dir.file("bin/sshd"),
               "#!/bin/sh\nprintf '%s\\n' \"$#\" > \"$(dirname \"$0\")/started\"\n"
               "[ -d \"$(dirname \"$0\")/../run/sshd\" ] && echo run-directory >> \"$(dirname \"$0\")/started\"\nexit 0\n",
               true);
    if (std::system("command -v ssh-keygen >/dev/null") == 0) {
        CHECK(start_sshd({dir.file("bin/sshd"), dir.file("run/sshd"), dir.path}));
        CHECK(read_bytes(dir.file("bin/started")).str() == "0\nrun-directory\n");  // no arguments: sshd daemonises
        CHECK(std::filesystem::is_regular_file(dir.file("etc/ssh/ssh_host_ed25519_key")));
    }
    // Host keys already there: ssh-keygen is not run (no other key appears).
    TempDir keyed;
    write_file(keyed.file("etc/ssh/ssh_host_rsa_key"), "a key\n");
    CHECK(start_sshd({dir.file("bin/sshd"), keyed.file("run/sshd"), keyed.path}));
    CHECK(std::filesystem::is_directory(keyed.file("run/sshd")));
    CHECK(!std::filesystem::exists(keyed.file("etc/ssh/ssh_host_ed25519_key")));
}

TEST_CASE("start_sshd: sshd that cannot start is a DataError with its status and reason") {
    TempDir dir;
    write_file(dir.file("etc/ssh/ssh_host_rsa_key"), "a key\n");
    write_file(dir.file("bin/sshd"), "#!/bin/sh\necho 'sshd: no hostkeys available -- exiting.' >&2\nexit 255\n", true);
    const std::string message =
        message_of<DataError>([&] { start_sshd({dir.file("bin/sshd"), dir.file("run/sshd"), dir.path}); });
    CHECK(contains(message, "cannot start sshd: " + dir.file("bin/sshd") + " exited with status 255"));
    CHECK(contains(message, "no hostkeys available"));
    CHECK(contains(message, "mpirun cannot reach this host"));
}
