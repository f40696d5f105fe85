// Unit tests of process.hpp: running a program (environment, working directory, empty stdin,
// exit status, standard error's tail, a missing program, signals forwarded to its group).
#include "newsclf/io/process.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "newsclf/base/log.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("executable_directory: where this test runs from") {
    CHECK(fs::is_regular_file(fs::path(executable_directory()) / "test_io"));
}

TEST_CASE("run_program: environment, working directory, stdin, exit status and the tail of stderr") {
    TempDir dir;
    write_file(dir.file("code/run.sh"),
               "pwd > out.txt\necho \"$SM_HP_EPOCHS $*\" >> out.txt\ncat >> out.txt\n"
               "i=0; while [ $i -lt 300 ]; do echo \"noise line $i\" >&2; i=$((i + 1)); done\n"
               "echo 'the real reason' >&2\nexit 3\n");
    ProgramRun run = run_program({"sh", "run.sh", "--epochs", "5"}, dir.file("code"), {{"SM_HP_EPOCHS", "5"}});
    CHECK(run.exit_status == 3);
    CHECK(run.killed_by == 0);
    CHECK(run.stop_signal == 0);
    CHECK(read_bytes(dir.file("code/out.txt")).str() == fs::canonical(dir.file("code")).string() + "\n5 --epochs 5\n");
    CHECK(run.stderr_tail.size() <= 4096);
    CHECK(run.stderr_tail.rfind("noise line", 0) == 0);  // whole lines only
    CHECK(run.stderr_tail.find("noise line 299\nthe real reason\n") != std::string::npos);

    ProgramRun ok = run_program({"true"}, dir.path, {});
    CHECK(ok.exit_status == 0);
    CHECK(ok.stderr_tail.empty());
    CHECK(message_of<IoError>([&] { run_program({"no-such-program-here"}, dir.path, {{"PATH", "/nonexistent"}}); })
              .rfind("no-such-program-here: not found on PATH (/nonexistent)", 0) == 0);
    ProgramRun killed = run_program({"sh", "-c", "kill -9 $$"}, dir.path, {});
    CHECK(killed.killed_by == SIGKILL);
}

TEST_CASE("run_program: a directory it cannot enter is status 127, told under the running tool's name") {
    TempDir dir;
    set_program_name("newsclf-something");
    ProgramRun run = run_program({"true"}, dir.file("no-such-directory"), {});
    set_program_name("newsclf");
    CHECK(run.exit_status == 127);
    CHECK(run.stderr_tail == "newsclf-something: cannot enter " + dir.file("no-such-directory") + "\n");
}

TEST_CASE("run_program: SIGTERM to this process goes to the program's process group") {
    TempDir dir;
    // The program and a child of its own both wait; both must end.
    write_file(dir.file("wait.sh"), "sleep 30 &\necho started > started\nwait\n");
    struct sigaction before {};
    ::sigaction(SIGTERM, nullptr, &before);
    std::thread stopper([&] {
        for (int i = 0; i < 100 && !fs::exists(dir.file("started")); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ::kill(::getpid(), SIGTERM);
    });
    const auto start = std::chrono::steady_clock::now();
    ProgramRun run = run_program({"sh", "wait.sh"}, dir.path, {});
    stopper.join();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(run.stop_signal == SIGTERM);
    CHECK(run.killed_by == SIGTERM);
    // This process's own SIGTERM disposition is back to what it was.
    struct sigaction after {};
    ::sigaction(SIGTERM, nullptr, &after);
    const bool restored = after.sa_handler == before.sa_handler;
    CHECK(restored);
}
