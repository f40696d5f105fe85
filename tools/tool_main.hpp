// What every newsclf tool shares: the main wrapper that maps errors to exit codes, and the
// options defined once (verbosity, model, input format).
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"

namespace newsclf {

// Parses options with `setup`'s app, then runs what setup returned. Exit 0 success, 1 bad data
// or I/O, 2 bad usage, 3 wrong or corrupt binary format; --help prints to stdout and exits 0.
// SIGINT, SIGTERM and SIGHUP remove the temporaries of unwritten outputs and end the process.
int tool_main(int argc, char** argv, const std::string& name, const std::string& description,
              const std::function<std::function<void()>(CLI::App&)>& setup);

void add_model_option(CLI::App& app, std::string& model);
// The files that --model names, for refuse_output_over_inputs: the path, and the model file in it
// when it is a directory (none when it cannot be told; loading the model then says why).
std::vector<std::string> model_inputs(const std::string& model);
// The check of a number option that an environment variable may set too: anything but a number
// from min to max (a whole one when `whole`), such as "abc", "nan", "inf" or "1e18", is a usage
// error naming the option (CLI11 adds it) and the variable, with the bounds in plain numbers.
CLI::Validator number_between(double min, double max, bool whole, const std::string& variable);
void add_input_format_option(CLI::App& app, std::string& format);

}  // namespace newsclf
