#include "tool_main.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "newsclf/base/memory.hpp"
#include "newsclf/io/temporaries.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/nn/dense.hpp"
#include "newsclf/training/distributed.hpp"

// OpenBLAS's own build description ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY ..."); the tools
// link OpenBLAS itself (see CMakeLists.txt).
extern "C" char* openblas_get_config(void);

namespace newsclf {

namespace {

int run_tool(int argc, char** argv, const std::string& name, const std::string& description,
             const std::function<std::function<void()>(CLI::App&)>& setup) {
    set_program_name(name);
    use_single_threaded_blas();
    reuse_freed_memory();
    remove_temporaries_on_signals();  // Ctrl-C anywhere in a pipeline leaves no half-written file
    CLI::App app(description, name);
    app.option_defaults()->always_capture_default();
    int verbose = 0;
    bool quiet = false;
    app.add_flag("-v,--verbose", verbose, "more messages on stderr");
    app.add_flag("-q,--quiet", quiet, "no progress or messages on stderr, only errors");
    app.set_version_flag("--version", name + " " + NEWSCLF_VERSION + "\nMPI: " + mpi_library_version() +
                                          "\nBLAS: " + openblas_get_config());
    std::function<void()> run;
    try {
        run = setup(app);
        app.parse(argc, argv);
        set_verbosity(quiet ? 0 : 1 + verbose);
        run();
        std::fflush(stdout);
        return 0;
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        log_error(e.what());
        log_error("see " + name + " --help");
        return static_cast<int>(ExitCode::usage);
    } catch (const Error& e) {
        std::fflush(stdout);
        log_error(e.what());
        return static_cast<int>(e.exit_code());
    } catch (const std::bad_alloc&) {
        log_error("out of memory");
        return static_cast<int>(ExitCode::data);
    } catch (const std::exception& e) {
        log_error(e.what());
        return static_cast<int>(ExitCode::data);
    }
}

}  // namespace

int tool_main(int argc, char** argv, const std::string& name, const std::string& description,
              const std::function<std::function<void()>(CLI::App&)>& setup) {
    const int code = run_tool(argc, argv, name, description, setup);
    // Under mpirun, a failed rank takes the others down rather than leave them waiting for it.
    if (code != 0) abort_other_ranks(code);
    return code;
}

void add_model_option(CLI::App& app, std::string& model) {
    app.add_option("-m,--model", model, "model file, or a directory holding one (such as /opt/ml/model)")->required();
}

std::vector<std::string> model_inputs(const std::string& model) {
    try {
        return {model, resolve_model_path(model)};
    } catch (const Error&) {
        return {model};
    }
}

CLI::Validator number_between(double min, double max, bool whole, const std::string& variable) {
    auto plain = [](double x) {
        char text[32];
        std::snprintf(text, sizeof text, "%.10g", x);
        return std::string(text);
    };
    const std::string wanted = std::string(whole ? "a whole number" : "a number") + " from " + plain(min) + " to " +
                               plain(max) + (variable.empty() ? "" : " (" + variable + " sets it too)");
    return CLI::Validator(
        [=](std::string& value) -> std::string {
            const char* begin = value.c_str();
            char* end = nullptr;
            errno = 0;
            const double x = std::strtod(begin, &end);
            const bool digits_only = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
            const bool number = end != begin && *end == '\0' && errno == 0 && std::isfinite(x);
            if (!number || x < min || x > max || (whole && !digits_only)) {
                std::string shown;
                for (char c : value.substr(0, 40)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
                return "\"" + shown + (value.size() > 40 ? "..." : "") + "\" is not " + wanted;
            }
            return std::string();
        },
        "");  // the option's help says the bounds
}

void add_input_format_option(CLI::App& app, std::string& format) {
    app.add_option("--input-format", format,
                   "auto, tsv (the data set's 8 fields), jsonl, fasttext (\"__label__b some words\") or lines")
        ->check(CLI::IsMember({"auto", "tsv", "jsonl", "fasttext", "lines"}));
}

}  // namespace newsclf
