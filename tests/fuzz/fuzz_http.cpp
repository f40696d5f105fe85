// HTTP requests from untrusted bytes, through what newsclf-serve runs on a connection: the
// server's request parser and body limit, then the inference contract (/ping, /invocations,
// /execution-parameters) over a small real model, and the answer written as the server writes it.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "newsclf/base/log.hpp"
#include "newsclf/model/classifier.hpp"
#include "newsclf/serving/http_server.hpp"
#include "newsclf/serving/invocations.hpp"

using namespace newsclf;

namespace {

// Small limits, so that a short input reaches both refusals of a long body: the server's before
// the body is read, and the handler's.
constexpr std::size_t server_body_limit = 2048;
constexpr std::size_t handler_payload_limit = 1024;

const InvocationHandler& handler() {
    static const std::unique_ptr<Classifier> classifier = load_classifier(NEWSCLF_FUZZ_MODEL);
    static InvocationHandler h({handler_payload_limit, 1});
    h.set_classifier(classifier.get());
    return h;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    set_verbosity(0);
    handler();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const InvocationHandler& h = handler();
    std::string answer = serve_request_bytes(bytes, server_body_limit, [&h](const HttpRequest& r) { return h.handle(r); });
    if (!answer.empty() && answer.compare(0, 9, "HTTP/1.1 ") != 0) __builtin_trap();
    return 0;
}
