#include "newsclf/sagemaker/job.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/base/log.hpp"

namespace fs = std::filesystem;

namespace newsclf {

std::string default_opt_ml() {
    const char* dir = std::getenv("NEWSCLF_OPT_ML");
    return dir && *dir ? std::string(dir) : std::string("/opt/ml");
}

const Channel* TrainingJob::channel(const std::string& name) const {
    for (const auto& c : channels)
        if (c.name == name) return &c;
    return nullptr;
}

namespace {

bool is_file(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

}  // namespace

TrainingJob load_training_job(const std::string& opt_ml) {
    TrainingJob job;
    // Absolute, as SageMaker's are: a program of script mode runs in another directory.
    std::error_code ec;
    job.opt_ml = fs::absolute(opt_ml, ec).lexically_normal().string();
    if (ec) job.opt_ml = opt_ml;
    while (job.opt_ml.size() > 1 && job.opt_ml.back() == '/') job.opt_ml.pop_back();
    if (!fs::is_directory(job.opt_ml, ec))
        throw IoError(job.opt_ml + ": no such directory (the job's /opt/ml; set NEWSCLF_OPT_ML or --opt-ml)");
    if (is_file(job.hyperparameters_path()))
        job.hyperparameters = parse_hyperparameters(read_bytes(job.hyperparameters_path()), job.hyperparameters_path());
    if (is_file(job.resource_config_path()))
        job.resources = parse_resource_config(read_bytes(job.resource_config_path()), job.resource_config_path());
    if (is_file(job.input_data_config_path())) {
        const std::string source = job.input_data_config_path();
        for (const auto& c : parse_input_data_config(read_bytes(source), source)) {
            if (c.input_mode == "Pipe")
                throw UsageError(source + ": channel \"" + c.name +
                                 "\" has TrainingInputMode Pipe; newsclf-train reads only File (or FastFile) mode "
                                 "channels: set the channel's input mode to File");
            if (c.input_mode != "File" && c.input_mode != "FastFile")
                throw UsageError(source + ": channel \"" + c.name + "\" has TrainingInputMode \"" + c.input_mode +
                                 "\", not File, FastFile or Pipe");
            job.channels.push_back({c.name, job.data_dir() + "/" + c.name});
        }
    } else if (fs::is_directory(job.data_dir(), ec)) {
        for (const auto& entry : fs::directory_iterator(job.data_dir(), ec))
            if (entry.is_directory(ec) && entry.path().filename().string()[0] != '.')
                job.channels.push_back({entry.path().filename().string(), entry.path().string()});
        if (ec) throw IoError(job.data_dir() + ": cannot list: " + ec.message());
    }
    std::sort(job.channels.begin(), job.channels.end(),
              [](const Channel& a, const Channel& b) { return a.name < b.name; });
    return job;
}

void remove_job_outputs(const TrainingJob& job) {
    for (const std::string& path : {job.model_path(), job.metrics_path(), job.failure_path()}) {
        std::error_code ec;
        if (fs::remove(path, ec)) log_verbose("removed " + path + ", left by an earlier job");
        if (ec) throw IoError(path + ": cannot remove what an earlier job left: " + ec.message());
    }
}

void create_parent_directories(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    if (parent.empty()) return;
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw IoError(parent.string() + ": cannot create the directory: " + ec.message());
}

bool write_failure(const std::string& opt_ml, const std::string& reason) {
    TrainingJob job;
    job.opt_ml = opt_ml;
    std::error_code ec;
    if (!fs::is_directory(opt_ml, ec)) return false;  // a mistyped directory is not made
    try {
        create_parent_directories(job.failure_path());
        write_bytes(job.failure_path(), reason.empty() || reason.back() == '\n' ? reason : reason + "\n");
        return true;
    } catch (const Error& e) {
        log_info(std::string("cannot write the failure reason: ") + e.what());
        return false;
    }
}

}  // namespace newsclf
