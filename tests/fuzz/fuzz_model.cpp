// Model files from untrusted bytes, loaded as newsclf-predict loads them (the container read,
// the network built, the stored self-tests checked), then one headline classified. Each input
// is read as it is and with a trailer that fits it (container_repair.hpp).
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/model/classifier.hpp"
#include "container_repair.hpp"

using namespace newsclf;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    set_verbosity(0);
    return 0;
}

namespace {

void load_and_classify(std::string_view bytes) {
    try {
        Classifier classifier(parse_model(bytes, "fuzz"), "fuzz");
        classifier.check_self_tests();
        Probabilities p = classifier.classify("Fed holds rates as stocks rally on Apple earnings");
        double sum = 0;
        for (float x : p) sum += x;
        if (!(std::fabs(sum - 1.0) < 1e-3)) __builtin_trap();
    } catch (const Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    load_and_classify(bytes);
    if (auto fitted = with_fitting_trailer(bytes)) load_and_classify(*fitted);
    return 0;
}
