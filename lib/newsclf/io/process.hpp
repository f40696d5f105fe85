// Running another program as a child process, as script mode does: the generic part (spawn with
// an environment, a process group of its own, stop signals forwarded, standard error's tail).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace newsclf {

// Variables set for a child, over (or beside) those of the current environment.
using Environment = std::vector<std::pair<std::string, std::string>>;

struct ProgramRun {
    int exit_status = 0;       // when it exited
    int killed_by = 0;         // the signal that ended it, when one did
    int stop_signal = 0;       // SIGTERM, SIGINT or SIGHUP received (and forwarded) while it ran
    std::string stderr_tail;   // the last lines it wrote to standard error
};

// Runs command (its first word found on the environment's PATH) in `directory` with the current
// environment plus `environment`, in a process group of its own, standard input empty,
// standard output shared, standard error passed through while its last 4 KiB are kept. SIGTERM,
// SIGINT and SIGHUP are forwarded to its process group (and it is killed if it has not ended 10 s
// later); this process's own handlers are back in place on return. An IoError when it cannot be
// started; a program that cannot enter the directory or be executed exits with status 127.
ProgramRun run_program(const std::vector<std::string>& command, const std::string& directory,
                       const Environment& environment);

// The executable file `name` names on the PATH `path` (a name with a '/' is itself), or empty.
std::string find_on_path(const std::string& name, const std::string& path);

// The directory of the running executable (/proc/self/exe): where the newsclf tools are.
std::string executable_directory();

}  // namespace newsclf
