#include "newsclf/base/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "newsclf/base/printable.hpp"

namespace newsclf {
namespace {
std::string g_program = "newsclf";
int g_verbosity = 1;
}  // namespace

void set_program_name(const std::string& name) { g_program = name; }
const std::string& program_name() { return g_program; }
void set_verbosity(int level) { g_verbosity = level; }
int verbosity() { return g_verbosity; }

void log_error(const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", g_program.c_str(), printable(message).c_str());
}
void log_info(const std::string& message) {
    if (g_verbosity >= 1) log_error(message);
}
void log_verbose(const std::string& message) {
    if (g_verbosity >= 2) log_error(message);
}

ProgressBar::ProgressBar(std::size_t total, std::string label, std::string unit)
    : total_(total),
      label_(std::move(label)),
      unit_(std::move(unit)),
      active_(g_verbosity >= 1 && isatty(2)),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::ProgressBar(ProgressBar&& other) noexcept
    : total_(other.total_),
      label_(std::move(other.label_)),
      unit_(std::move(other.unit_)),
      active_(other.active_),
      drawn_(other.drawn_),
      start_(other.start_),
      last_(other.last_) {
    other.active_ = false;
}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::amount(std::size_t n) const {
    char text[32];
    if (unit_ == "bytes")
        std::snprintf(text, sizeof text, "%.1f", static_cast<double>(n) / 1e6);
    else
        std::snprintf(text, sizeof text, "%zu", n);
    return text;
}

void ProgressBar::update(std::size_t done, const std::string& suffix) {
    if (!active_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && (total_ == 0 || done < total_) && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const bool bytes = unit_ == "bytes";
    std::string line = label_ + amount(done);
    if (total_ > 0) {
        constexpr std::size_t width = 30;
        std::size_t filled = width * std::min(done, total_) / total_;
        std::string bar(filled, '=');
        if (filled < width) bar += '>' + std::string(width - filled - 1, '.');
        line += "/" + amount(total_) + (unit_.empty() ? "" : bytes ? " MB" : " " + unit_) + " [" + bar + "]";
    } else if (!unit_.empty()) {
        line += bytes ? " MB" : " " + unit_;
    }
    const double seconds = std::chrono::duration<double>(now - start_).count();
    if (seconds >= 0.2 && done > 0) {
        const double rate = static_cast<double>(done) / seconds;
        char text[64];
        if (bytes)
            std::snprintf(text, sizeof text, " %.1f MB/s", rate / 1e6);
        else
            std::snprintf(text, sizeof text, " %.0f %s/s", rate, unit_.empty() ? "it" : unit_.c_str());
        line += text;
        if (total_ > done) {
            const auto left = static_cast<long long>(static_cast<double>(total_ - done) / rate + 0.5);
            std::snprintf(text, sizeof text, " ETA %lld:%02lld", left / 60, left % 60);
            line += text;
        }
    }
    if (!suffix.empty()) line += " " + suffix;
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (!active_ || !drawn_) return;
    drawn_ = false;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}

}  // namespace newsclf
