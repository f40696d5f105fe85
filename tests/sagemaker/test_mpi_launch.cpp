// Unit tests of mpi_launch.hpp and of script mode under MPI (script_mode.hpp's
// launch_script_mode): the variables every rank gets, the mpirun command line of a job's
// program, and a launch through a stand-in mpirun that records what it was given and runs the
// program once (the real mpirun is tests/cli/test-sagemaker-script-mpi.sh's).
#include "newsclf/sagemaker/mpi_launch.hpp"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/sagemaker/script_mode.hpp"

#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {

TrainingJob job_in(const TempDir& dir, const std::vector<std::string>& hosts) {
    fs::create_directories(dir.file("input/data/training"));
    TrainingJob job = load_training_job(dir.path);
    job.resources.hosts = hosts;
    job.resources.current_host = hosts.front();
    return job;
}

// The words that follow each "-x".
std::vector<std::string> exported(const std::vector<std::string>& command) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i + 1 < command.size(); ++i)
        if (command[i] == "-x") names.push_back(command[i + 1]);
    return names;
}

// An environment variable, for the scope of one test, then put back.
struct ScopedVariable {
    std::string name, saved;
    bool was_set;
    ScopedVariable(std::string n, const std::string& value) : name(std::move(n)) {
        const char* old = std::getenv(name.c_str());
        was_set = old != nullptr;
        saved = old ? old : "";
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedVariable() {
        if (was_set) ::setenv(name.c_str(), saved.c_str(), 1);
        else ::unsetenv(name.c_str());
    }
};

// A stand-in mpirun first on PATH: it writes its arguments, environment and working directory to
// $NCLF_FAKE_MPIRUN_LOG.*, drops its own options and runs the program once.
std::string fake_mpirun(const TempDir& dir) {
    write_file(dir.file("bin/mpirun"),
               "#!/bin/sh\n"
               "printf '%s\\n' \"$@\" > \"$NCLF_FAKE_MPIRUN_LOG.args\"\n"
               "env > \"$NCLF_FAKE_MPIRUN_LOG.env\"\n"
               "pwd -P > \"$NCLF_FAKE_MPIRUN_LOG.pwd\"\n"
               "while [ $# -gt 0 ]; do case $1 in --tag-output) shift ;; --mca) shift 3 ;; -*) shift 2 ;; *) break ;; esac; done\n"
               "exec \"$@\"\n",
               true);
    return dir.file("bin");
}

// A TCP socket on 127.0.0.1 at a port of the system's choosing, listening or not.
struct LocalPort {
    int fd = -1;
    unsigned short port = 0;
    LocalPort() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t size = sizeof address;
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        port = ntohs(address.sin_port);
    }
    void listen() { REQUIRE(::listen(fd, 4) == 0); }
    ~LocalPort() { ::close(fd); }
};

}  // namespace

TEST_CASE("mpi_uses_ssh: unless the custom options or OMPI_MCA_plm_rsh_agent name another launch agent") {
    MpiSettings mpi;
    mpi.enabled = true;
    CHECK(mpi_uses_ssh(mpi, nullptr));
    CHECK(mpi_uses_ssh(mpi, ""));
    CHECK(!mpi_uses_ssh(mpi, "/usr/local/bin/agent"));
    mpi.custom_options = {"--mca", "btl_tcp_if_include", "eth0"};
    CHECK(mpi_uses_ssh(mpi, nullptr));
    mpi.custom_options = {"--mca", "plm_rsh_agent", "/x/agent"};
    CHECK(!mpi_uses_ssh(mpi, nullptr));
}

TEST_CASE("wait_for_ssh: the hosts after the first answer, at once or later; else a DataError naming them") {
    using namespace std::chrono_literals;
    wait_for_ssh({"algo-1"}, {});  // one host: nothing to wait for
    {
        LocalPort sshd;
        sshd.listen();
        const auto start = std::chrono::steady_clock::now();
        // The first host is this one: never tried (no such name resolves here).
        wait_for_ssh({"newsclf-no-such-host.invalid", "127.0.0.1"}, {sshd.port, 5s, 50ms});
        CHECK(std::chrono::steady_clock::now() - start < 2s);
    }
    {
        LocalPort sshd;  // listens 300 ms from now
        std::thread later([&] {
            std::this_thread::sleep_for(300ms);
            sshd.listen();
        });
        const auto start = std::chrono::steady_clock::now();
        wait_for_ssh({"algo-1", "127.0.0.1"}, {sshd.port, 10s, 50ms});
        later.join();
        CHECK(std::chrono::steady_clock::now() - start >= 300ms);
    }
    LocalPort closed;  // bound, never listening: connections are refused
    const std::string message = message_of<DataError>(
        [&] { wait_for_ssh({"algo-1", "127.0.0.1", "newsclf-no-such-host.invalid"}, {closed.port, 300ms, 50ms}); });
    CHECK(contains(message, "no sshd answered on port " + std::to_string(closed.port) +
                                " of 127.0.0.1, newsclf-no-such-host.invalid within 0 s"));
    CHECK(contains(message, "plm_rsh_agent"));
}

TEST_CASE("mpi_exported_variables: PATH, then the program's variables, each once") {
    CHECK(mpi_exported_variables({}) == std::vector<std::string>{"PATH"});
    CHECK(mpi_exported_variables({{"SM_A", "1"}, {"PATH", "/tools:/bin"}, {"SM_B", "x y"}, {"SM_A", "2"}}) ==
          std::vector<std::string>{"PATH", "SM_A", "SM_B"});
}

TEST_CASE("mpi_job_command in script mode: the job's program on every slot, SageMaker's variables by name only") {
    TempDir dir;
    const TrainingJob job = job_in(dir, {"algo-1", "algo-2"});
    write_file(dir.file("code/train.sh"), "exit 0\n", true);
    JobHyperparameters hps;
    hps.program = "train.sh";
    hps.user = {{"epochs", "3"}};
    const ScriptRun script = prepare_script_mode(job, hps, 4);
    MpiSettings mpi;
    mpi.enabled = true;
    mpi.processes_per_host = 2;
    mpi.custom_options = {"--mca", "btl_tcp_if_include", "eth0"};
    const auto command = mpi_job_command(job, mpi, "/tmp/hostfile", {script.command, script.program.directory, script.environment, "x"});
    REQUIRE(command.size() > 8);
    CHECK(command[0] == "mpirun");
    const auto hostfile = std::find(command.begin(), command.end(), "--hostfile");
    REQUIRE(hostfile != command.end());
    CHECK(*(hostfile + 1) == "/tmp/hostfile");
    const auto np = std::find(command.begin(), command.end(), "-np");
    REQUIRE(np != command.end());
    CHECK(*(np + 1) == "4");
    const auto names = exported(command);
    for (const char* name : {"PATH", "SM_MODEL_DIR", "SM_CHANNEL_TRAINING", "SM_CHANNELS", "SM_HPS", "SM_HP_EPOCHS",
                             "SM_HOSTS", "SM_CURRENT_HOST", "SM_NUM_CPUS", "SM_OUTPUT_DATA_DIR", "SM_USER_ENTRY_POINT",
                             "SM_MODULE_DIR", "SM_USER_ARGS"})
        CHECK_MESSAGE(std::count(names.begin(), names.end(), name) == 1, name);
    CHECK(names.front() == "PATH");
    // The values stay in the environment: none is a word of the command line.
    for (const auto& [name, value] : script.environment)
        if (name == "PATH" || name == "SM_MODEL_DIR" || name == "SM_HPS" || name == "SM_CHANNELS" || name == "SM_HOSTS" ||
            name == "SM_USER_ARGS" || name == "SM_CURRENT_HOST")
            CHECK_MESSAGE(std::find(command.begin(), command.end(), value) == command.end(), name);
    // The custom options, then the program and its hyperparameters, last.
    const std::vector<std::string> tail = {"--mca", "btl_tcp_if_include", "eth0", dir.file("code/train.sh"), "--epochs", "3"};
    REQUIRE(command.size() >= tail.size());
    CHECK(std::vector<std::string>(command.end() - static_cast<std::ptrdiff_t>(tail.size()), command.end()) == tail);
}

TEST_CASE("launch_script_mode: mpirun in the code directory with the variables in its environment; a rank's failure names the program") {
    TempDir dir;
    const TrainingJob job = job_in(dir, {"algo-1"});
    ScopedVariable path("PATH", fake_mpirun(dir) + ":" + std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"));
    ScopedVariable log("NCLF_FAKE_MPIRUN_LOG", dir.file("mpirun"));
    write_file(dir.file("code/train.sh"), "echo \"$SM_HP_EPOCHS\" > \"$SM_MODEL_DIR/epochs.txt\"\n");
    JobHyperparameters hps;
    hps.program = "train.sh";
    hps.user = {{"epochs", "3"}};
    MpiSettings mpi;
    mpi.enabled = true;
    mpi.processes_per_host = 2;
    CHECK(launch_script_mode(job, hps, mpi, 2) == 0);
    CHECK(read_bytes(dir.file("model/epochs.txt")).str() == "3\n");
    const std::string args = read_bytes(dir.file("mpirun.args")).str();
    CHECK(contains(args, "-np\n2\n"));
    CHECK(contains(args, "-x\nSM_MODEL_DIR\n"));
    CHECK(contains(args, "\nsh\n" + dir.file("code/train.sh") + "\n--epochs\n3\n"));
    const std::string env = read_bytes(dir.file("mpirun.env")).str();
    CHECK(contains(env, "\nSM_MODEL_DIR=" + dir.file("model") + "\n"));
    CHECK(contains(env, "\nOMPI_ALLOW_RUN_AS_ROOT=1\n"));
    CHECK(contains(env, "\nOMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1\n"));
    CHECK(read_bytes(dir.file("mpirun.pwd")).str() == fs::canonical(dir.file("code")).string() + "\n");

    write_file(dir.file("code/fail.sh"), "echo 'rank 1: no data here' >&2\nexit 4\n");
    hps.program = "fail.sh";
    const std::string message = message_of<DataError>([&] { launch_script_mode(job, hps, mpi, 2); });
    CHECK(message.rfind("sagemaker_program fail.sh failed on a rank: mpirun exited with status 4; the end of its standard error:\n", 0) == 0);
    CHECK(contains(message, "rank 1: no data here"));
}
