// The server's access log: one line per request ("2026-11-27T16:56:08Z POST /invocations 200 21
// 291us": time, method, path, status, body bytes, microseconds), gathered in memory and written
// to a file descriptor in blocks, so that logging costs no system call per request.
#pragma once
#include <chrono>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>

namespace newsclf {

class AccessLog {
public:
    // Lines are written when flush_bytes have gathered, and by flush().
    explicit AccessLog(int fd = 2, std::size_t flush_bytes = 16384) : fd_(fd), flush_bytes_(flush_bytes) {}
    ~AccessLog() { flush(); }
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    void record(std::string_view method, std::string_view target, int status, std::size_t bytes,
                std::chrono::microseconds took);
    void flush();

private:
    void write_locked();
    int fd_;
    std::size_t flush_bytes_;
    std::mutex mutex_;
    std::string buffer_;
    std::time_t stamp_second_ = 0;
    std::string stamp_;
};

}  // namespace newsclf
