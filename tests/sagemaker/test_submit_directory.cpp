// sagemaker_submit_directory: a folder, a file:// URL or a .tar.gz of the code put into
// OPT_ML/code; an s3:// URL fetched with the aws CLI (a stand-in script here), or refused with
// what to do when there is none.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "newsclf/base/error.hpp"
#include "newsclf/sagemaker/submit_directory.hpp"

#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace newsclf;
using namespace newsclf::test;

namespace {

TrainingJob job_in(const TempDir& dir, const std::string& location) {
    TrainingJob job;
    job.opt_ml = dir.file("opt_ml");
    job.hyperparameters = {{"sagemaker_program", "train.sh"}, {"sagemaker_submit_directory", location}};
    return job;
}

// dir/src/train.sh and dir/src/lib/helper.sh, and dir/sourcedir.tar.gz of them, as the SDK packs them.
void make_code(const TempDir& dir) {
    write_file(dir.file("src/train.sh"), "echo training\n", true);
    write_file(dir.file("src/lib/helper.sh"), "echo helping\n");
    const std::string tar = "tar -czf " + dir.file("sourcedir.tar.gz") + " -C " + dir.file("src") + " .";
    REQUIRE(std::system(tar.c_str()) == 0);
}

bool has_code(const TrainingJob& job) {
    return fs::is_regular_file(job.code_dir() + "/train.sh") && fs::is_regular_file(job.code_dir() + "/lib/helper.sh");
}

// PATH set for the scope of one test, and put back.
struct ScopedPath {
    std::string saved;
    explicit ScopedPath(const std::string& path) : saved(std::getenv("PATH") ? std::getenv("PATH") : "") {
        ::setenv("PATH", path.c_str(), 1);
    }
    ~ScopedPath() { ::setenv("PATH", saved.c_str(), 1); }
};

}  // namespace

TEST_CASE("a folder, its file:// URL, and a .tar.gz: the code lands in OPT_ML/code") {
    TempDir dir;
    make_code(dir);
    for (const std::string& location : {dir.file("src"), "file://" + dir.file("src"), dir.file("sourcedir.tar.gz"),
                                        "file://" + dir.file("sourcedir.tar.gz")}) {
        CAPTURE(location);
        fs::remove_all(dir.file("opt_ml"));
        const TrainingJob job = job_in(dir, location);
        REQUIRE(submit_directory(job) == location);
        fetch_submit_directory(job, location);
        CHECK(has_code(job));
    }
}

TEST_CASE("no sagemaker_submit_directory: nothing to fetch") {
    TrainingJob job;
    job.hyperparameters = {{"sagemaker_program", "train.sh"}};
    CHECK(!submit_directory(job));
}

TEST_CASE("an s3:// URL is fetched with the aws CLI, its arguments one word each") {
    TempDir dir;
    make_code(dir);
    // A stand-in aws that records its arguments and copies the tarball to the destination it is given.
    write_file(dir.file("bin/aws"),
               "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.file("aws.args") + "\ncp " + dir.file("sourcedir.tar.gz") +
                   " \"$4\"\n",
               true);
    const ScopedPath path(dir.file("bin") + ":/usr/bin:/bin");
    const std::string location = "s3://bucket/job/source/sourcedir.tar.gz";
    const TrainingJob job = job_in(dir, location);
    fetch_submit_directory(job, location);
    CHECK(has_code(job));
    CHECK(read_bytes(dir.file("aws.args")).str() == "s3\ncp\n" + location + "\n" + job.code_dir() + "/.sourcedir.tar.gz\n");
    CHECK(!fs::exists(job.code_dir() + "/.sourcedir.tar.gz"));
}

TEST_CASE("an s3:// URL without the aws CLI: a UsageError that says to pass the code channel") {
    TempDir dir;
    const ScopedPath path(dir.path);
    const std::string message = message_of<UsageError>([&] {
        fetch_submit_directory(job_in(dir, "s3://bucket/sourcedir.tar.gz"), "s3://bucket/sourcedir.tar.gz");
    });
    CHECK(contains(message, "sagemaker_submit_directory"));
    CHECK(contains(message, "channel \"code\""));
}

TEST_CASE("a location that is nothing here is a UsageError naming it") {
    TempDir dir;
    const std::string missing = dir.file("nowhere");
    const std::string message = message_of<UsageError>([&] { fetch_submit_directory(job_in(dir, missing), missing); });
    CHECK(contains(message, missing));
    CHECK(contains(message, "sagemaker_submit_directory"));
}
