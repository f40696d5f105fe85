// Token streams from untrusted bytes, as newsclf-fit, -eval and -embed read them: whole, and
// keeping the tokens of some records only; a stream read is written again and must read back.
// Each input is read as it is and with a trailer that fits it (container_repair.hpp).
#include <cstdint>
#include <string>
#include <string_view>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/token_stream.hpp"
#include "container_repair.hpp"

using namespace newsclf;

namespace {

void read_and_rewrite(std::string_view bytes) {
    TokenStream ts;
    try {
        parse_token_stream(bytes, "fuzz", [](std::size_t i) { return i % 2 == 0; });
        ts = parse_token_stream(bytes, "fuzz");
    } catch (const Error&) {
        return;
    }
    TokenStream again = parse_token_stream(token_stream_bytes(ts), "fuzz again");
    if (again.corpus.size() != ts.corpus.size() || again.info.vocabulary.words() != ts.info.vocabulary.words())
        __builtin_trap();
    limit_vocabulary(ts, 3);
    parse_token_stream(token_stream_bytes(ts), "fuzz limited");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    read_and_rewrite(bytes);
    if (auto fitted = with_fitting_trailer(bytes)) read_and_rewrite(*fitted);
    return 0;
}
