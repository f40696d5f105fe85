// The job's code as the SageMaker Python SDK sends it in script mode: the hyperparameter
// sagemaker_submit_directory names a folder, a file:// URL or a .tar.gz of it (local mode), or an
// s3:// URL of the tarball; its files are put into OPT_ML/code, where sagemaker_program is run.
// Code already given (in OPT_ML/code or the channel "code") is run as it is (script_mode.hpp).
#pragma once
#include <optional>
#include <string>

#include "newsclf/sagemaker/job.hpp"

namespace newsclf {

// The hyperparameter sagemaker_submit_directory of the job, if it has one.
std::optional<std::string> submit_directory(const TrainingJob& job);

// Puts the code that `location` names into OPT_ML/code: a folder's files are copied, a .tar.gz
// (.tgz) is unpacked with tar, and an s3:// tarball is fetched first with the aws CLI when it is
// on PATH. A UsageError naming the hyperparameter when the location cannot be read, and for
// s3:// without the aws CLI one that says to pass the code as the channel "code" instead.
void fetch_submit_directory(const TrainingJob& job, const std::string& location);

}  // namespace newsclf
