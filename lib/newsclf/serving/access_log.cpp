#include "newsclf/serving/access_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace newsclf {

namespace {

// At most n bytes of s, with control characters and spaces shown as '?', so a line stays a line.
void append_field(std::string& out, std::string_view s, std::size_t n) {
    if (s.empty()) s = "-";
    for (char c : s.substr(0, n)) out += static_cast<unsigned char>(c) <= ' ' || c == 0x7f ? '?' : c;
}

}  // namespace

void AccessLog::record(std::string_view method, std::string_view target, int status, std::size_t bytes,
                       std::chrono::microseconds took) {
    const std::time_t now = std::time(nullptr);
    std::lock_guard<std::mutex> lock(mutex_);
    if (now != stamp_second_) {
        char text[32];
        std::tm utc;
        gmtime_r(&now, &utc);
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
        stamp_ = text;
        stamp_second_ = now;
    }
    buffer_ += stamp_;
    buffer_ += ' ';
    append_field(buffer_, method, 32);
    buffer_ += ' ';
    append_field(buffer_, target, 256);
    buffer_ += ' ';
    buffer_ += std::to_string(status);
    buffer_ += ' ';
    buffer_ += std::to_string(bytes);
    buffer_ += ' ';
    buffer_ += std::to_string(took.count());
    buffer_ += "us\n";
    if (buffer_.size() >= flush_bytes_) write_locked();
}

void AccessLog::flush() {
    std::lock_guard<std::mutex> lock(mutex_);
    write_locked();
}

void AccessLog::write_locked() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
        ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // a closed stderr loses the log, not the answers
        done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
}

}  // namespace newsclf
