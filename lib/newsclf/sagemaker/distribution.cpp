#include "newsclf/sagemaker/distribution.hpp"

#include <simdjson.h>

#include <charconv>
#include <sstream>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"

namespace newsclf {

namespace {

bool parse_flag(const std::string& name, const std::string& value, const std::string& source) {
    if (value == "true" || value == "True" || value == "1") return true;
    if (value == "false" || value == "False" || value == "0") return false;
    throw UsageError(source + ": hyperparameter " + name + ": " + json_string(value) + " is not true or false");
}

std::size_t parse_processes(const std::string& name, const std::string& value, const std::string& source) {
    std::size_t n = 0;
    const auto res = std::from_chars(value.data(), value.data() + value.size(), n);
    if (res.ec != std::errc() || res.ptr != value.data() + value.size() || n < 1 || n > 1024)
        throw UsageError(source + ": hyperparameter " + name + ": " + json_string(value) +
                         " is not a number of processes from 1 to 1024");
    return n;
}

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

// sagemaker_distribution's "mpi" object, into settings.
void read_distribution(const std::string& value, const std::string& source, MpiSettings& mpi) {
    const std::string name = "sagemaker_distribution";
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(value).get(root) || !root.is_object())
        throw UsageError(source + ": hyperparameter " + name + " is not a JSON object such as "
                         "{\"mpi\": {\"enabled\": true, \"processes_per_host\": 2}}");
    simdjson::dom::element settings;
    if (root["mpi"].get(settings)) return;  // another kind of distribution: none of MPI's
    bool enabled = false;
    if (settings["enabled"].get(enabled) == simdjson::SUCCESS) mpi.enabled = enabled;
    std::uint64_t processes = 0;
    if (settings["processes_per_host"].get(processes) == simdjson::SUCCESS)
        mpi.processes_per_host = parse_processes(name + ".mpi.processes_per_host", std::to_string(processes), source);
    std::string_view options;
    if (settings["custom_mpi_options"].get(options) == simdjson::SUCCESS) mpi.custom_options = words(std::string(options));
}

}  // namespace

MpiSettings mpi_settings(const Hyperparameters& hyperparameters, const std::string& source) {
    MpiSettings mpi;
    for (const auto& [name, value] : hyperparameters) {
        if (name == "sagemaker_mpi_enabled")
            mpi.enabled = parse_flag(name, value, source);
        else if (name == "sagemaker_mpi_num_of_processes_per_host")
            mpi.processes_per_host = parse_processes(name, value, source);
        else if (name == "sagemaker_mpi_custom_mpi_options")
            mpi.custom_options = words(value);
        else if (name == "sagemaker_distribution")
            read_distribution(value, source, mpi);
    }
    return mpi;
}

HostRole host_role(const ResourceConfig& resources, const MpiSettings& mpi) {
    const bool first = resources.current_host == resources.hosts.front();
    if (!mpi.enabled) return resources.hosts.size() == 1 || first ? HostRole::alone : HostRole::idle;
    return first ? HostRole::launcher : HostRole::worker;
}

std::string mpi_hostfile(const ResourceConfig& resources, const MpiSettings& mpi) {
    std::string out;
    for (const auto& host : resources.hosts) out += host + " slots=" + std::to_string(mpi.processes_per_host) + "\n";
    return out;
}

std::vector<std::string> mpirun_command(const ResourceConfig& resources, const MpiSettings& mpi,
                                        const std::string& hostfile_path, const std::vector<std::string>& exported,
                                        const std::vector<std::string>& program) {
    std::vector<std::string> command = {"mpirun"};
    // One host is this one, whatever its name here: its processes need no hostfile.
    if (resources.hosts.size() > 1) command.insert(command.end(), {"--hostfile", hostfile_path});
    command.insert(command.end(), {
        "-np", std::to_string(resources.hosts.size() * mpi.processes_per_host),
        "--map-by", "slot", "--bind-to", "none", "--tag-output",
        // The first host starts every other host's processes itself (no tree of ssh hops), and a
        // rank that exits with an error ends the whole job.
        "--mca", "plm_rsh_no_tree_spawn", "1", "--mca", "orte_abort_on_non_zero_status", "1"});
    for (const auto& name : exported) {
        command.push_back("-x");
        command.push_back(name);
    }
    command.insert(command.end(), mpi.custom_options.begin(), mpi.custom_options.end());
    command.insert(command.end(), program.begin(), program.end());
    return command;
}

}  // namespace newsclf
