// newsclf-quantize: a bag or linear model -> the same model compacted (rows pruned by norm, int8 rows).
#include <string>

#include "newsclf/io/output_file.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/model/quantization.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::string model;
    std::string output = "-";
    QuantizeOptions quantize;
};

void run(const Options& o) {
    refuse_output_over_inputs(o.output, model_inputs(o.model));
    const std::string path = resolve_model_path(o.model);
    Model model = load_classifier(path)->release();
    if (!quantizable_arch(model.options.arch))
        throw UsageError(path + ": a " + model.options.arch + " model does not quantize: only bag and linear models do");
    for (const auto& t : quantize_model(model, o.quantize))
        log_info(t.name + ": " + std::to_string(t.kept) + " of " + std::to_string(t.rows) + " rows kept");
    std::string bytes = model_bytes(model);
    log_info(std::to_string(bytes.size()) + " bytes");
    write_bytes(o.output, bytes);
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-quantize",
                     "Compact a bag or linear model, as fastText's quantize: keep the rows of its large tables that "
                     "weigh most (--cutoff) and store each row as 8- or 4-bit integers with a scale of its own.",
                     [](CLI::App& app) {
                         add_model_option(app, o.model);
                         app.add_option("-o,--output", o.output, "quantized model file (\"-\" is stdout)");
                         app.add_option("--cutoff", o.quantize.cutoff,
                                        "rows the tables keep together (a bag's word and n-gram vectors, a linear "
                                        "model's weights), those that move the class scores most; the others become "
                                        "zeros, left out of the file; unset: every row")
                             ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32))
                             ->default_str("");
                         app.add_option("--bits", o.quantize.bits, "bits a value: 8 (q8) or 4 (q4, half the size)")
                             ->check(CLI::IsMember({8, 4}))
                             ->capture_default_str();
                         return [] { run(o); };
                     });
}
