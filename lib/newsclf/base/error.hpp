// The error family every library function throws; tools map each kind to an exit code.
#pragma once
#include <stdexcept>
#include <string>

namespace newsclf {

// Exit codes shared by every tool (documented in each man page).
enum class ExitCode : int { ok = 0, data = 1, usage = 2, format = 3, internal = 4 };

enum class ErrorKind { data, io, usage, format, internal };

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }
    ExitCode exit_code() const {
        switch (kind_) {
        case ErrorKind::usage: return ExitCode::usage;
        case ErrorKind::format: return ExitCode::format;
        case ErrorKind::internal: return ExitCode::internal;
        default: return ExitCode::data;
        }
    }

private:
    ErrorKind kind_;
};

// Bad content in user data (a row, a field, a vector file): exit 1.
struct DataError : Error {
    explicit DataError(const std::string& m) : Error(ErrorKind::data, m) {}
};
// A file that cannot be opened, read or written: exit 1.
struct IoError : Error {
    explicit IoError(const std::string& m) : Error(ErrorKind::io, m) {}
};
// Options that contradict each other or the data: exit 2.
struct UsageError : Error {
    explicit UsageError(const std::string& m) : Error(ErrorKind::usage, m) {}
};
// A newsclf binary file that is truncated, corrupt, of another version or kind: exit 3.
struct FormatError : Error {
    explicit FormatError(const std::string& m) : Error(ErrorKind::format, m) {}
};

// A broken invariant of newsclf itself, whatever the input: exit 4, a bug to report. Kept apart
// from usage so that a user is not told to change options that were fine.
struct InternalError : Error {
    explicit InternalError(const std::string& m) : Error(ErrorKind::internal, "internal error (a bug in newsclf; please report it): " + m) {}
};

// "file:line: " or "file: " for message prefixes.
std::string where(const std::string& source, std::size_t line = 0);

}  // namespace newsclf
