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

// A progress bar on stderr, redrawn at most ten times a second, only when stderr is a terminal.
class ProgressBar {
public:
    ProgressBar(std::size_t total, std::string label);
    void update(std::size_t done, const std::string& suffix = "");
    void finish();  // clears the bar

private:
    std::size_t total_;
    std::string label_;
    bool active_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace newsclf
