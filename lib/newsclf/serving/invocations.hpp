// SageMaker's inference contract as a function over one request: what /ping, /invocations and
// /execution-parameters answer for a method, path, content type, Accept and body. The HTTP server
// (http_server.hpp) only moves bytes; everything a client can get wrong is decided here.
#pragma once
#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>

#include "newsclf/model/classifier.hpp"
#include "newsclf/serving/http_message.hpp"

namespace newsclf {

struct InvocationSettings {
    std::size_t max_payload_bytes = 6 * 1024 * 1024;  // SageMaker's MaxPayloadInMB of 6
    std::size_t max_concurrent_transforms = 1;        // the server's worker threads
};

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
