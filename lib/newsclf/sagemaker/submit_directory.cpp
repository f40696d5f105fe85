#include "newsclf/sagemaker/submit_directory.hpp"

#include <filesystem>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/io/process.hpp"

namespace fs = std::filesystem;

namespace newsclf {

namespace {

const std::string hyperparameter = "hyperparameter sagemaker_submit_directory";

bool has_suffix(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_tarball(const std::string& path) { return has_suffix(path, ".tar.gz") || has_suffix(path, ".tgz"); }

// Runs a helper program (tar, aws) with its arguments as they are: none of them meets a shell.
void run_helper(const std::vector<std::string>& command, const std::string& directory, const std::string& what) {
    const ProgramRun run = run_program(command, directory, {});
    if (run.stop_signal) throw IoError(what + ": stopped");
    if (run.exit_status != 0 || run.killed_by != 0)
        throw UsageError(hyperparameter + ": " + what + " failed" +
                         (run.stderr_tail.empty() ? std::string() : ": " + run.stderr_tail));
}

void unpack(const std::string& tarball, const std::string& code_dir) {
    log_info("sagemaker_submit_directory: unpacking " + tarball + " into " + code_dir);
    run_helper({"tar", "-xzf", tarball, "-C", code_dir}, code_dir, "unpacking " + tarball);
}

}  // namespace

std::optional<std::string> submit_directory(const TrainingJob& job) {
    for (const auto& [name, value] : job.hyperparameters)
        if (name == "sagemaker_submit_directory" && !value.empty()) return value;
    return std::nullopt;
}

void fetch_submit_directory(const TrainingJob& job, const std::string& location) {
    const std::string code_dir = job.code_dir();
    std::error_code ec;
    fs::create_directories(code_dir, ec);
    if (ec) throw IoError(code_dir + ": cannot create the code directory: " + ec.message());
    if (location.rfind("s3://", 0) == 0) {
        const std::string aws = find_on_path("aws", std::getenv("PATH") ? std::getenv("PATH") : "");
        if (aws.empty())
            throw UsageError(hyperparameter + " is " + location +
                             ", and this image has no aws CLI to fetch it: pass the code as the channel \"code\" "
                             "instead (or put it in /opt/ml/code)");
        const std::string tarball = code_dir + "/.sourcedir.tar.gz";
        log_info("sagemaker_submit_directory: fetching " + location);
        run_helper({"aws", "s3", "cp", location, tarball}, code_dir, "aws s3 cp " + location);
        unpack(tarball, code_dir);
        fs::remove(tarball, ec);
        return;
    }
    const std::string path = location.rfind("file://", 0) == 0 ? location.substr(7) : location;
    if (fs::is_directory(path, ec)) {
        log_info("sagemaker_submit_directory: copying " + path + " into " + code_dir);
        fs::copy(path, code_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
        if (ec) throw IoError(hyperparameter + ": cannot copy " + path + " into " + code_dir + ": " + ec.message());
        return;
    }
    if (is_tarball(path) && fs::is_regular_file(path, ec)) return unpack(path, code_dir);
    throw UsageError(hyperparameter + ": " + location +
                     " is neither a folder nor a .tar.gz file here, nor an s3:// URL");
}

}  // namespace newsclf
