// Line-by-line input that hands over each line as soon as it has arrived.
#include "newsclf/io/line_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool LineReader::fill() {
    if (eof_) return false;
    if (start_ > 0) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    char chunk[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw IoError(name_ + ": cannot read: " + std::strerror(errno));
        if (n == 0) {
            eof_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        if (first_read_) {
            first_read_ = false;
            // Compressed input cannot be read line by line: take it whole and decompress it.
            while (buffer_.size() < 6 && (n = ::read(fd_, chunk, sizeof chunk)) > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
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
            if (nl - start_ > max_line_bytes)
                throw DataError(where(name_, line_number_) + "line is longer than " + std::to_string(max_line_bytes) +
                                " bytes; is this a headline file?");
            line.assign(buffer_, start_, nl - start_);
            bytes_read_ += nl + 1 - start_;
            start_ = nl + 1;
            if (line_number_ == 1) line.erase(0, line.size() - without_utf8_bom(line).size());
            return true;
        }
        if (buffer_.size() - start_ > max_line_bytes)
            throw DataError(where(name_, line_number_ + 1) + "line is longer than " + std::to_string(max_line_bytes) +
                            " bytes; is this a headline file?");
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

}  // namespace newsclf
