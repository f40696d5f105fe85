// The single stderr sink: messages prefixed with the tool name, and a Keras-like progress bar.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace newsclf {

void set_program_name(const std::string& name);
const std::string& program_name();
void set_verbosity(int level);  // 0 quiet, 1 normal, 2 verbose
int verbosity();

// One line on stderr, "<program>: message", with control bytes and bytes that are not UTF-8
// escaped (see printable), whatever file or request the message quotes. log_error ignores -q.
void log_error(const std::string& message);
void log_info(const std::string& message);
void log_verbose(const std::string& message);

// A progress bar on stderr, only when stderr is a terminal (and not under -q), redrawn at most
// ten times a second: what is done of the total (rows, steps, or bytes when unit is "bytes"), the
// rate and the time left. A total of 0 is unknown (a pipe): what is done and the rate only. When
// stderr is no terminal it writes nothing, so logs and pipes see only the tools' summary lines.
class ProgressBar {
public:
    ProgressBar(std::size_t total, std::string label, std::string unit = "");
    ProgressBar(ProgressBar&& other) noexcept;  // the moved-from bar clears nothing
    ProgressBar& operator=(ProgressBar&&) = delete;
    ~ProgressBar();  // clears the bar, as finish does
    void update(std::size_t done, const std::string& suffix = "");
    void finish();  // clears the bar
    bool active() const { return active_; }

private:
    std::string amount(std::size_t n) const;
    std::size_t total_;
    std::string label_;
    std::string unit_;
    bool active_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace newsclf
