#include "newsclf/serving/http_message.hpp"

#include "newsclf/base/json.hpp"

namespace newsclf {

HttpResponse error_response(int status, std::string_view message) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    JsonWriter(r.body).begin_object().member("error", message).end_object();
    return r;
}

HttpResponse payload_too_large(std::size_t limit_bytes) {
    return error_response(413, "the body is over the limit of " + std::to_string(limit_bytes) + " bytes (" +
                                   std::to_string(limit_bytes / (1024 * 1024)) + " MB)");
}

}  // namespace newsclf
