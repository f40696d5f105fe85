// Input read line by line, as an interactive pipe delivers it.
#pragma once
#include <cstddef>
#include <string>

namespace newsclf {

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

}  // namespace newsclf
