// SageMaker's inference contract as a function over one request: what /ping, /invocations and
// /execution-parameters answer for a method, path, content type, Accept and body. The HTTP server
// (http_server.hpp) only moves bytes; everything a client can get wrong is decided here.
#pragma once
#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>

#include "newsclf/classifier.hpp"

namespace newsclf {

struct HttpRequest {
    std::string_view method;        // "GET", "POST", ...
    std::string_view target;        // path and query, "/invocations?x=1"
    std::string_view content_type;  // the header's value, empty when absent
    std::string_view accept;        // the header's value, empty when absent
    std::string_view body;
};

struct HttpResponse {
    int status = 200;
    std::string content_type;  // empty: no body type (the empty answer of /ping)
    std::string body;
    std::string allow;         // the methods a path takes, for 405
};

struct InvocationSettings {
    std::size_t max_payload_bytes = 6 * 1024 * 1024;  // SageMaker's MaxPayloadInMB of 6
    std::size_t max_concurrent_transforms = 1;        // the server's worker threads
};

// {"error": message} with the status; the one shape of every error answer.
HttpResponse error_response(int status, std::string_view message);
// The 413 for a body over limit_bytes, from the handler or from the server before it reads the body.
HttpResponse payload_too_large(std::size_t limit_bytes);

class InvocationHandler {
public:
    explicit InvocationHandler(InvocationSettings settings);
    // Until a classifier is set, /ping answers 503 and /invocations 503: the model is loading.
    // The classifier must outlive the handler.
    void set_classifier(const Classifier* classifier) { classifier_.store(classifier, std::memory_order_release); }
    HttpResponse handle(const HttpRequest& request) const;
    const InvocationSettings& settings() const { return settings_; }

private:
    HttpResponse invocations(const HttpRequest& request, const Classifier& classifier) const;
    InvocationSettings settings_;
    std::atomic<const Classifier*> classifier_{nullptr};
};

}  // namespace newsclf
