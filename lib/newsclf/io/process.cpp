// Runs a program as a child process: its environment and directory, a process group of its own,
// stop signals forwarded, standard error passed through with its tail kept.
#include "newsclf/io/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace newsclf {

namespace {

bool is_file(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

// Forwarding of SIGTERM, SIGINT and SIGHUP to the program's process group while it runs.
std::atomic<pid_t> g_program_group{0};
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler needs lock-free atomics");
constexpr int stop_signals[] = {SIGTERM, SIGINT, SIGHUP};

extern "C" void forward_stop_signal(int signal) {
    g_stop_signal.store(signal);
    const pid_t group = g_program_group.load();
    if (group > 0) ::kill(-group, signal);
}

// The last `limit` bytes written through it.
class Tail {
public:
    explicit Tail(std::size_t limit) : limit_(limit) {}
    void add(const char* data, std::size_t n) {
        text_.append(data, n);
        if (text_.size() > 2 * limit_) {
            text_.erase(0, text_.size() - limit_);
            cut_ = true;
        }
    }
    // Whole lines only: a line the limit cut in two is dropped.
    std::string lines() const {
        std::string t = text_.size() > limit_ ? text_.substr(text_.size() - limit_) : text_;
        if (cut_ || text_.size() > limit_) {
            const std::size_t nl = t.find('\n');
            t = nl == std::string::npos ? t : t.substr(nl + 1);
        }
        return t;
    }

private:
    std::size_t limit_;
    std::string text_;
    bool cut_ = false;
};

void write_all(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;  // our own stderr is gone: keep running the program regardless
        data += w;
        n -= static_cast<std::size_t>(w);
    }
}

}  // namespace

std::string find_on_path(const std::string& name, const std::string& path) {
    if (name.find('/') != std::string::npos) return name;
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = path.find(':', start);
        std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (dir.empty()) dir = ".";
        const std::string candidate = dir + "/" + name;
        if (is_file(candidate) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (colon == std::string::npos) return "";
        start = colon + 1;
    }
}

std::string executable_directory() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw IoError("/proc/self/exe: cannot read: " + ec.message());
    return exe.parent_path().string();
}

ProgramRun run_program(const std::vector<std::string>& command, const std::string& directory,
                       const Environment& environment) {
    // Everything the child needs is made before fork: it may not allocate afterwards.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const auto& [key, value] : environment) replaced = replaced || key == name;
        if (!replaced) env_strings.push_back(entry);
    }
    std::string path;
    for (const auto& [key, value] : environment) {
        env_strings.push_back(key + "=" + value);
        if (key == "PATH") path = value;
    }
    if (path.empty())
        if (const char* p = std::getenv("PATH")) path = p;
    const std::string file = find_on_path(command.at(0), path);
    if (file.empty()) throw IoError(command[0] + ": not found on PATH (" + path + ")");
    std::vector<char*> argv, envp;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    // The child may not allocate, so its messages are made here, under the running tool's name.
    const std::string chdir_failed = program_name() + ": cannot enter " + directory + "\n";
    const std::string exec_failed = program_name() + ": cannot run " + file + "\n";

    int err[2];
    if (::pipe2(err, O_CLOEXEC) != 0) throw IoError(std::string("cannot make a pipe: ") + std::strerror(errno));

    sigset_t stops, previous_mask;
    sigemptyset(&stops);
    for (int s : stop_signals) sigaddset(&stops, s);
    ::sigprocmask(SIG_BLOCK, &stops, &previous_mask);
    struct sigaction forward {}, previous[3];
    forward.sa_handler = forward_stop_signal;
    sigemptyset(&forward.sa_mask);
    for (int i = 0; i < 3; ++i) ::sigaction(stop_signals[i], &forward, &previous[i]);
    g_stop_signal.store(0);

    const pid_t child = ::fork();
    if (child == 0) {
        ::setpgid(0, 0);
        struct sigaction default_action {};
        default_action.sa_handler = SIG_DFL;
        sigemptyset(&default_action.sa_mask);
        for (int s : stop_signals) ::sigaction(s, &default_action, nullptr);
        ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
        ::dup2(err[1], 2);
        int empty[2];  // standard input at its end at once, as /dev/null would be
        if (::pipe(empty) == 0) {
            ::close(empty[1]);
            ::dup2(empty[0], 0);
            ::close(empty[0]);
        }
        if (::chdir(directory.c_str()) != 0) {
            write_all(2, chdir_failed.data(), chdir_failed.size());
            ::_exit(127);
        }
        ::execve(file.c_str(), argv.data(), envp.data());
        write_all(2, exec_failed.data(), exec_failed.size());
        ::_exit(127);
    }
    const int fork_error = errno;
    ::close(err[1]);
    if (child > 0) {
        ::setpgid(child, child);  // as the child does: whichever runs first
        g_program_group.store(child);
    }
    ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
    auto restore = [&] {
        g_program_group.store(0);
        for (int i = 0; i < 3; ++i) ::sigaction(stop_signals[i], &previous[i], nullptr);
        ::close(err[0]);
    };
    if (child < 0) {
        restore();
        throw IoError("cannot start " + file + ": " + std::strerror(fork_error));
    }

    ProgramRun run;
    Tail tail(4096);
    char buffer[8192];
    bool exited = false, open = true;
    int status = 0;
    std::chrono::steady_clock::time_point stop_time;
    bool killed = false;
    while (!exited) {
        if (open) {
            pollfd p{err[0], POLLIN, 0};
            if (::poll(&p, 1, 200) > 0) {
                const ssize_t n = ::read(err[0], buffer, sizeof buffer);
                if (n > 0) {
                    write_all(2, buffer, static_cast<std::size_t>(n));
                    tail.add(buffer, static_cast<std::size_t>(n));
                } else if (n == 0 || errno != EINTR) {
                    open = false;
                }
            }
        } else {
            ::usleep(100000);
        }
        const pid_t w = ::waitpid(child, &status, WNOHANG);
        if (w == child) exited = true;
        if (g_stop_signal.load() != 0 && !killed) {
            const auto now = std::chrono::steady_clock::now();
            if (stop_time == std::chrono::steady_clock::time_point{}) stop_time = now;
            if (now - stop_time > std::chrono::seconds(10)) {
                ::kill(-child, SIGKILL);
                killed = true;
            }
        }
    }
    // What the program wrote before it ended; a process it left behind may keep the pipe open.
    ::fcntl(err[0], F_SETFL, O_NONBLOCK);
    for (ssize_t n; open && (n = ::read(err[0], buffer, sizeof buffer)) > 0;) {
        write_all(2, buffer, static_cast<std::size_t>(n));
        tail.add(buffer, static_cast<std::size_t>(n));
    }
    restore();
    if (WIFEXITED(status)) run.exit_status = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) run.killed_by = WTERMSIG(status);
    run.stop_signal = g_stop_signal.load();
    run.stderr_tail = tail.lines();
    return run;
}

}  // namespace newsclf
