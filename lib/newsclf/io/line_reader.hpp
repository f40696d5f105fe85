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
    // Whole lines into `lines`, each with its '\n' (the input's last may lack one): about `bytes`
    // bytes of them, at least one line; false at end of input. line_number() is then that of the
    // last of them. For readers that work on many lines at once.
    bool next_lines(std::string& lines, std::size_t bytes);
    // The input's first bytes (up to n), without reading past them what next() would not.
    std::string_view peek(std::size_t n);
    // Everything not yet handed over, to the end of the input.
    std::string rest();
    std::size_t line_number() const { return line_number_; }
    const std::string& name() const { return name_; }
    // For progress: the bytes of the lines handed over so far, and the input's size (a regular
    // file's, or a compressed input's once decompressed), 0 when unknown (pipes).
    std::size_t bytes_read() const { return bytes_read_; }
    std::size_t total_bytes() const { return total_bytes_; }

    static constexpr std::size_t max_line_bytes = 1 << 20;

private:
    bool fill(std::size_t at_least = 1 << 16);
    // Appends what one read() gives, up to `chunk` bytes, to `into`; 0 at end of input.
    std::size_t read_some(std::string& into, std::size_t chunk);
    [[noreturn]] void refuse_long_line(std::size_t line_number) const;
    int fd_;
    bool owns_fd_;
    std::string name_;
    std::string buffer_;
    std::size_t start_ = 0;
    bool eof_ = false;
    bool first_read_ = true;
    std::size_t line_number_ = 0;
    std::size_t bytes_read_ = 0;
    std::size_t total_bytes_ = 0;
};

}  // namespace newsclf
