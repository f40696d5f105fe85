// An HTTP request as the server hands it to a handler, and the answer the handler gives; the one
// shape of every error answer.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

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

// {"error": message} with the status; the one shape of every error answer.
HttpResponse error_response(int status, std::string_view message);
// The 413 for a body over limit_bytes, from the handler or from the server before it reads the body.
HttpResponse payload_too_large(std::size_t limit_bytes);

}  // namespace newsclf
