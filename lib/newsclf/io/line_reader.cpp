// Line-by-line input that hands over each line as soon as it has arrived.
#include "newsclf/io/line_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "newsclf/base/error.hpp"
#include "newsclf/io/decompression.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/standard_streams.hpp"

namespace newsclf {

LineReader::LineReader(const std::string& path) : name_(display_name(path)) {
    if (is_stdio(path)) {
        fd_ = 0;
        owns_fd_ = false;
    } else {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw IoError(name_ + ": cannot open: " + std::strerror(errno));
        owns_fd_ = true;
    }
    struct stat st;
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) total_bytes_ = static_cast<std::size_t>(st.st_size);
}

LineReader::~LineReader() {
    if (owns_fd_) ::close(fd_);
}

std::size_t LineReader::read_some(std::string& into, std::size_t chunk) {
    const std::size_t had = into.size();
    into.resize(had + chunk);
    ssize_t n;
    do n = ::read(fd_, into.data() + had, chunk);
    while (n < 0 && errno == EINTR);
    into.resize(had + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0) throw IoError(name_ + ": cannot read: " + std::strerror(errno));
    return static_cast<std::size_t>(n);
}

// Appends what one read() gives, up to `at_least` bytes (at least 64 KiB); false at end of input.
bool LineReader::fill(std::size_t at_least) {
    if (eof_) return false;
    if (start_ > 0) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    const std::size_t chunk = std::max<std::size_t>(at_least, 1 << 16);
    auto read_more = [&] { return read_some(buffer_, chunk); };
    for (;;) {
        if (read_more() == 0) {
            eof_ = true;
            return false;
        }
        if (first_read_) {
            first_read_ = false;
            // Compressed input cannot be read line by line: take it whole and decompress it.
            while (buffer_.size() < 6 && read_more() > 0) {
            }
            if (is_compressed(buffer_)) {
                buffer_ = decompress_if_compressed(buffer_ + read_all(fd_, name_), name_);
                total_bytes_ = buffer_.size();
                eof_ = true;
            }
        }
        return true;
    }
}

bool LineReader::next(std::string& line) {
    std::size_t searched = start_;
    for (;;) {
        std::size_t nl = buffer_.find('\n', searched);
        if (nl != std::string::npos) {
            ++line_number_;
            if (nl - start_ > max_line_bytes) refuse_long_line(line_number_);
            line.assign(buffer_, start_, nl - start_);
            bytes_read_ += nl + 1 - start_;
            start_ = nl + 1;
            if (line_number_ == 1) line.erase(0, line.size() - without_utf8_bom(line).size());
            return true;
        }
        if (buffer_.size() - start_ > max_line_bytes) refuse_long_line(line_number_ + 1);
        std::size_t pending = buffer_.size() - start_;
        if (!fill()) {
            if (buffer_.size() == start_) return false;
            ++line_number_;
            line.assign(buffer_, start_, std::string::npos);
            bytes_read_ += buffer_.size() - start_;
            if (line_number_ == 1) line.erase(0, line.size() - without_utf8_bom(line).size());
            start_ = buffer_.size();
            return true;
        }
        searched = start_ + pending;
    }
}

void LineReader::refuse_long_line(std::size_t line_number) const {
    throw DataError(where(name_, line_number) + "line is longer than " + std::to_string(max_line_bytes) +
                    " bytes; is this a headline file?");
}

bool LineReader::next_lines(std::string& lines, std::size_t bytes) {
    bytes = std::max<std::size_t>(bytes, 1);
    if (first_read_) fill();  // recognises compressed input, which is then all in buffer_
    const bool first = line_number_ == 0 && bytes_read_ == 0;
    // Where the lines end: after the last '\n' within `bytes` of text[from..], or after the
    // first beyond them for a longer line (reading on into text; at the end of the input, the
    // last line ends with it).
    auto cut = [&](std::string& text, std::size_t from) {
        auto more_text = [&] {
            if (eof_ || read_some(text, 1 << 16) == 0) eof_ = true;
            return !eof_;
        };
        std::size_t end = std::string_view(text).substr(from, bytes).rfind('\n');
        if (end != std::string::npos) return from + end + 1;
        for (std::size_t searched = from + bytes;;) {
            end = text.find('\n', searched);
            if (end != std::string::npos) return end + 1;
            if (text.size() - from > max_line_bytes + 1) refuse_long_line(line_number_ + 1);
            searched = text.size();
            if (!more_text()) return text.size();
        }
    };
    if (buffer_.size() - start_ >= bytes || eof_) {
        // Enough held already (compressed input is all here): the lines are cut out of buffer_.
        if (first) start_ += buffer_.size() - start_ - without_utf8_bom(std::string_view(buffer_).substr(start_)).size();
        if (buffer_.size() == start_) return false;
        const std::size_t end = cut(buffer_, start_);
        lines.assign(buffer_, start_, end - start_);
        start_ = end;
    } else {
        // The few bytes held, then reads straight into `lines`: no copy through buffer_.
        lines.assign(buffer_, start_, std::string::npos);
        buffer_.clear();
        start_ = 0;
        while (lines.size() < bytes && !eof_)
            if (read_some(lines, bytes - lines.size()) == 0) eof_ = true;
        if (first) lines.erase(0, lines.size() - without_utf8_bom(lines).size());
        if (lines.empty()) return false;
        const std::size_t end = cut(lines, 0);
        buffer_.assign(lines, end, std::string::npos);  // the start of the next line
        lines.resize(end);
    }
    line_number_ += static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n')) + (lines.back() != '\n');
    bytes_read_ += lines.size();
    return true;
}

std::string_view LineReader::peek(std::size_t n) {
    while (buffer_.size() - start_ < n && fill(n - (buffer_.size() - start_))) {
    }
    return std::string_view(buffer_).substr(start_, n);
}

std::string LineReader::rest() {
    while (fill(1 << 20)) {
    }
    std::string all = buffer_.substr(start_);
    bytes_read_ += all.size();
    start_ = buffer_.size();
    return all;
}

}  // namespace newsclf
