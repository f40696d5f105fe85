// Opening streams: "-" or an empty path means stdin/stdout; compressed input is recognised by
// its magic bytes; every output file is written under a temporary name and renamed when whole.
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

namespace newsclf {

// The name used in messages: "<stdin>" for "-" or "".
std::string display_name(const std::string& path);
bool is_stdio(const std::string& path);

// The whole contents of an input. A regular file is mapped into memory rather than copied (the
// GloVe file is 300 MB); stdin and decompressed data are held in a string.
class InputBytes {
public:
    InputBytes() = default;
    explicit InputBytes(std::string owned) : owned_(std::move(owned)) {}
    InputBytes(InputBytes&& other) noexcept;
    InputBytes& operator=(InputBytes&& other) noexcept;
    InputBytes(const InputBytes&) = delete;
    InputBytes& operator=(const InputBytes&) = delete;
    ~InputBytes();
    // Maps size bytes of an open regular file.
    static InputBytes map(int fd, std::size_t size, const std::string& name);

    std::string_view view() const { return mapped_ ? std::string_view(mapped_, mapped_size_) : std::string_view(owned_); }
    operator std::string_view() const { return view(); }
    std::string str() const { return std::string(view()); }
    std::size_t size() const { return view().size(); }
    bool empty() const { return view().empty(); }
    friend bool operator==(const InputBytes& a, std::string_view b) { return a.view() == b; }
    friend bool operator==(std::string_view a, const InputBytes& b) { return a == b.view(); }

private:
    std::string owned_;
    char* mapped_ = nullptr;
    std::size_t mapped_size_ = 0;
};

// Whole contents of a file or of stdin; xz and gzip data are decompressed.
InputBytes read_bytes(const std::string& path);
// Decompresses xz or gzip bytes, returns other bytes unchanged. `source` names them in errors.
std::string decompress_if_compressed(std::string bytes, const std::string& source);

// Reads lines from a file descriptor without waiting for more than one line (interactive pipes).
// Compressed input (xz, gzip) is recognised by its first bytes and decompressed whole.
class LineReader {
public:
    LineReader(const std::string& path);  // "-" reads stdin
    ~LineReader();
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;
    // Next line without its '\n'; false at end of input. Lines over max_line_bytes throw DataError.
    bool next(std::string& line);
    std::size_t line_number() const { return line_number_; }
    const std::string& name() const { return name_; }

    static constexpr std::size_t max_line_bytes = 1 << 20;

private:
    bool fill();
    int fd_;
    bool owns_fd_;
    std::string name_;
    std::string buffer_;
    std::size_t start_ = 0;
    bool eof_ = false;
    bool first_read_ = true;
    std::size_t line_number_ = 0;
};

// An output that appears only when whole: a file is written as "<path>.tmp.<pid>" and renamed by
// commit(); destroyed uncommitted, the temporary is removed. "-" writes to stdout, and a path that
// is a device or a pipe (/dev/null, a FIFO) is written in place. While it is
// uncommitted the temporary's path is registered, so that a signal ending the process removes it
// too (remove_temporaries_on_signals).
class OutputFile {
public:
    explicit OutputFile(const std::string& path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    void write(std::string_view bytes);
    void flush();
    void commit();
    const std::string& name() const { return name_; }

private:
    std::string path_;
    std::string temp_;
    std::string name_;
    std::FILE* file_;
    bool committed_ = false;
    bool in_place_ = false;  // a device or pipe, written without a temporary
    int registration_ = -1;  // slot of the temporary in the registry, or -1
};

// Writes bytes to path (or stdout) through an OutputFile in one go.
void write_bytes(const std::string& path, std::string_view bytes);

// Makes SIGINT, SIGTERM and SIGHUP remove the temporaries of every uncommitted OutputFile, then
// end the process by the same signal (status 128 + the signal's number in a shell). A signal the
// process was started with ignored stays ignored. The handler is async-signal-safe: it reads a
// fixed table of paths (64 of up to 4,095 bytes; a temporary beyond it is not registered).
void remove_temporaries_on_signals();
// What that handler does, from a handler of its own (e.g. after forwarding the signal): removes
// the registered temporaries and ends the process by `signal`. Async-signal-safe.
[[noreturn]] void remove_temporaries_and_exit(int signal);
// Whether path is the registered temporary of an uncommitted OutputFile.
bool is_registered_temporary(const std::string& path);

}  // namespace newsclf
