// The registry of temporaries in fixed storage, and the signal handler that removes them.
#include "newsclf/io/temporaries.hpp"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace newsclf {
namespace {

// Fixed storage, so that a signal handler reads it without allocating.
// A slot is free (0), being filled (1) or holds a path (2).
constexpr std::size_t temporary_slots = 64;
constexpr std::size_t temporary_path_bytes = 4096;
struct TemporarySlot {
    std::atomic<int> state{0};
    char path[temporary_path_bytes];
};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free state");
TemporarySlot g_temporaries[temporary_slots];

extern "C" void on_stop_signal(int signal) { remove_temporaries_and_exit(signal); }

}  // namespace

int register_temporary(const std::string& path) {
    if (path.size() >= temporary_path_bytes) return -1;
    for (std::size_t i = 0; i < temporary_slots; ++i) {
        int expected = 0;
        if (!g_temporaries[i].state.compare_exchange_strong(expected, 1)) continue;
        std::memcpy(g_temporaries[i].path, path.c_str(), path.size() + 1);
        g_temporaries[i].state.store(2);
        return static_cast<int>(i);
    }
    return -1;  // more open outputs than slots: this one is not removed by a signal
}

void unregister_temporary(int slot) {
    if (slot >= 0 && static_cast<std::size_t>(slot) < temporary_slots) g_temporaries[slot].state.store(0);
}

void remove_temporaries_and_exit(int signal) {
    for (auto& slot : g_temporaries)
        if (slot.state.load() == 2) ::unlink(slot.path);
    // Dying by the signal itself tells a calling shell that the run was interrupted (it stops a
    // script at Ctrl-C), where an exit status would not.
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(signal);
    ::_exit(128 + signal);
}

void remove_temporaries_on_signals() {
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        if (::sigaction(signal, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        for (int other : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&action.sa_mask, other);
        ::sigaction(signal, &action, nullptr);
    }
}

namespace {

constexpr char temporary_marker[] = ".newsclf-tmp.";
constexpr std::size_t temporary_name_bytes = 200;  // of the target's name; with the rest, under NAME_MAX

// The directory ("." for none) and the prefix of the temporaries of target: ".NAME.newsclf-tmp.".
std::pair<std::string, std::string> temporary_prefix(const std::string& target) {
    const std::size_t slash = target.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : target.substr(0, slash);
    std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
    return {dir, "." + name.substr(0, temporary_name_bytes) + temporary_marker};
}

bool process_is_running(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

}  // namespace

std::string temporary_path(const std::string& target, long pid) {
    const std::size_t slash = target.rfind('/');
    return target.substr(0, slash == std::string::npos ? 0 : slash + 1) + temporary_prefix(target).second +
           std::to_string(pid);
}

std::size_t remove_stale_temporaries(const std::string& target) {
    const auto [dir, prefix] = temporary_prefix(target);
    DIR* d = ::opendir(dir.c_str());
    if (!d) return 0;  // the writer's own error says what is wrong with the directory
    std::size_t removed = 0;
    const long self = static_cast<long>(::getpid());
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string digits = name.substr(prefix.size());
        if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
        const long pid = std::strtol(digits.c_str(), nullptr, 10);
        if (pid <= 0 || pid == self || process_is_running(pid)) continue;
        if (::unlink((dir + "/" + name).c_str()) == 0) ++removed;
    }
    ::closedir(d);
    return removed;
}

bool is_registered_temporary(const std::string& path) {
    for (const auto& slot : g_temporaries)
        if (slot.state.load() == 2 && path == slot.path) return true;
    return false;
}

}  // namespace newsclf
