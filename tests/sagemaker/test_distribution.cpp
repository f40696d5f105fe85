// A job's spread over its hosts: the MPI hyperparameters in both of SageMaker's forms, each host's
// role, and the hostfile and mpirun command line of a three-host job.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/sagemaker/distribution.hpp"

#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

ResourceConfig three_hosts(const std::string& current) {
    return parse_resource_config(R"({"current_host": ")" + current +
                                     R"(", "hosts": ["algo-1", "algo-2", "algo-3"], "network_interface_name": "eth0"})",
                                 "resourceconfig.json");
}

}  // namespace

TEST_CASE("mpi_settings: none by default; the sagemaker_mpi_* hyperparameters") {
    const MpiSettings none = mpi_settings({{"epochs", "3"}}, "hp.json");
    CHECK(!none.enabled);
    CHECK(none.processes_per_host == 1);
    CHECK(none.custom_options.empty());

    const MpiSettings mpi = mpi_settings({{"sagemaker_mpi_enabled", "true"},
                                          {"sagemaker_mpi_num_of_processes_per_host", "2"},
                                          {"sagemaker_mpi_custom_mpi_options", " --mca btl_tcp_if_include eth0 "}},
                                         "hp.json");
    CHECK(mpi.enabled);
    CHECK(mpi.processes_per_host == 2);
    CHECK(mpi.custom_options == std::vector<std::string>{"--mca", "btl_tcp_if_include", "eth0"});
}

TEST_CASE("mpi_settings: the SDK's sagemaker_distribution form") {
    const MpiSettings mpi = mpi_settings(
        {{"sagemaker_distribution",
          R"({"mpi": {"enabled": true, "processes_per_host": 4, "custom_mpi_options": "-x NCCL_DEBUG=INFO"}})"}},
        "hp.json");
    CHECK(mpi.enabled);
    CHECK(mpi.processes_per_host == 4);
    CHECK(mpi.custom_options == std::vector<std::string>{"-x", "NCCL_DEBUG=INFO"});
    CHECK(!mpi_settings({{"sagemaker_distribution", R"({"parameter_server": {"enabled": true}})"}}, "hp.json").enabled);
}

TEST_CASE("mpi_settings: a bad value is a UsageError naming the hyperparameter and the file") {
    for (const auto& [name, value] : Hyperparameters{{"sagemaker_mpi_enabled", "yes please"},
                                                     {"sagemaker_mpi_num_of_processes_per_host", "0"},
                                                     {"sagemaker_mpi_num_of_processes_per_host", "2; touch /tmp/pwned"},
                                                     {"sagemaker_distribution", "{\"mpi\": "}}) {
        const std::string message = message_of<UsageError>([&, name = name, value = value] {
            mpi_settings({{name, value}}, "hyperparameters.json");
        });
        CHECK(contains(message, name));
        CHECK(contains(message, "hyperparameters.json"));
    }
}

TEST_CASE("host_role: one host alone; several without MPI train on the first only; with MPI the first launches") {
    const MpiSettings off, on{true, 2, {}};
    CHECK(host_role(ResourceConfig{}, off) == HostRole::alone);
    CHECK(host_role(ResourceConfig{}, on) == HostRole::launcher);
    CHECK(host_role(three_hosts("algo-1"), off) == HostRole::alone);
    CHECK(host_role(three_hosts("algo-2"), off) == HostRole::idle);
    CHECK(host_role(three_hosts("algo-1"), on) == HostRole::launcher);
    CHECK(host_role(three_hosts("algo-3"), on) == HostRole::worker);
}

TEST_CASE("a three-host job: the hostfile and the mpirun command line") {
    const ResourceConfig hosts = three_hosts("algo-1");
    const MpiSettings mpi{true, 2, {"--mca", "btl_tcp_if_include", "eth0"}};
    CHECK(mpi_hostfile(hosts, mpi) == "algo-1 slots=2\nalgo-2 slots=2\nalgo-3 slots=2\n");
    const auto command = mpirun_command(hosts, mpi, "/tmp/hostfile", {"SM_HOSTS", "SM_CURRENT_HOST"},
                                        {"/usr/local/bin/newsclf-train", "--opt-ml", "/opt/ml"});
    const std::vector<std::string> expected = {
        "mpirun", "--hostfile", "/tmp/hostfile", "-np", "6", "--map-by", "slot", "--bind-to", "none", "--tag-output",
        "--mca", "plm_rsh_no_tree_spawn", "1", "--mca", "orte_abort_on_non_zero_status", "1",
        "-x", "SM_HOSTS", "-x", "SM_CURRENT_HOST", "--mca", "btl_tcp_if_include", "eth0",
        "/usr/local/bin/newsclf-train", "--opt-ml", "/opt/ml"};
    CHECK(command == expected);

    // One host is this machine, whatever it is called here: no hostfile.
    const auto alone = mpirun_command(ResourceConfig{}, mpi, "/tmp/hostfile", {}, {"newsclf-train"});
    CHECK(std::find(alone.begin(), alone.end(), "--hostfile") == alone.end());
    CHECK(alone[1] == "-np");
    CHECK(alone[2] == "2");
}

TEST_CASE("custom options that look like shell stay words of their own, never a command") {
    const MpiSettings mpi = mpi_settings({{"sagemaker_mpi_enabled", "true"},
                                          {"sagemaker_mpi_custom_mpi_options", "\"; touch /tmp/pwned\""}},
                                         "hp.json");
    const auto command = mpirun_command(ResourceConfig{}, mpi, "/tmp/hostfile", {}, {"newsclf-train"});
    CHECK(std::find(command.begin(), command.end(), "\";") != command.end());
    CHECK(std::find(command.begin(), command.end(), "/tmp/pwned\"") != command.end());
    CHECK(command.back() == "newsclf-train");
}
