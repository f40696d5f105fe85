// The registry of temporary files that a signal ending the process removes: the temporaries of
// the uncommitted OutputFiles.
#pragma once
#include <cstddef>
#include <string>

namespace newsclf {

// Makes SIGINT, SIGTERM and SIGHUP remove the registered temporaries, then end the process by
// the same signal (status 128 + the signal's number in a shell). A signal the process was started
// with ignored stays ignored. The handler is async-signal-safe: it reads a fixed table of paths
// (64 of up to 4,095 bytes; a temporary beyond it is not registered).
void remove_temporaries_on_signals();
// What that handler does, from a handler of its own (e.g. after forwarding the signal): removes
// the registered temporaries and ends the process by `signal`. Async-signal-safe.
[[noreturn]] void remove_temporaries_and_exit(int signal);
// Whether path is a registered temporary (of an uncommitted OutputFile).
bool is_registered_temporary(const std::string& path);

// The temporary that process `pid` writes target under until it is whole: ".NAME.newsclf-tmp.PID"
// in target's directory (NAME its file name, cut to 200 bytes to stay within a file name's limit),
// so that the rename onto target stays in one file system and another run can tell whose it is.
std::string temporary_path(const std::string& target, long pid);
// Removes the temporaries of target left by writers that are no longer running (a run ended by
// SIGKILL, or a machine that stopped, leaves its temporary behind); those of running processes,
// this one included, are kept. Returns how many it removed.
std::size_t remove_stale_temporaries(const std::string& target);

// Registers path, to be called before the file is created so that no signal can miss it. Returns
// the slot to hand to unregister_temporary, or -1 when the table is full or the path too long
// (then a signal leaves the file behind).
int register_temporary(const std::string& path);
// Frees a slot of register_temporary; -1 is ignored.
void unregister_temporary(int slot);

}  // namespace newsclf
