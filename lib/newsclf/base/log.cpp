#include "newsclf/base/log.hpp"

#include <unistd.h>

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

ProgressBar::ProgressBar(std::size_t total, std::string label)
    : total_(total), label_(std::move(label)), active_(g_verbosity >= 1 && isatty(2) && total > 0) {}

void ProgressBar::update(std::size_t done, const std::string& suffix) {
    if (!active_) return;
    auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    constexpr int width = 30;
    int filled = static_cast<int>(width * done / total_);
    std::string bar(filled, '=');
    if (filled < width) bar += '>' + std::string(width - filled - 1, '.');
    std::fprintf(stderr, "\r%s%zu/%zu [%s] %s\033[K", label_.c_str(), done, total_, bar.c_str(), suffix.c_str());
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (!active_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}

}  // namespace newsclf
