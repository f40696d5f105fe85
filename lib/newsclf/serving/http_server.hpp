// An HTTP/1.1 server for the inference contract: keep-alive connections served by a fixed pool of
// worker threads on one event loop (so a thousand idle connections cost no threads), bodies up
// to a limit, a timeout per request, an access-log line per request on stderr, and a graceful
// stop on SIGTERM or SIGINT: no new connections, in-flight requests answered, exit within a
// second. What a request gets is decided by the handler alone.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "newsclf/serving/http_message.hpp"

namespace newsclf {

struct HttpServerSettings {
    std::string address = "127.0.0.1";  // loopback only; "0.0.0.0" for every interface
    std::uint16_t port = 8080;           // 0: any free port (see HttpServer::port)
    std::size_t workers = 1;             // threads running the event loop
    std::chrono::milliseconds timeout{60000};  // to read one request (or wait for the next one)
    std::size_t max_body_bytes = 6 * 1024 * 1024;  // a longer body is answered 413 unread
    std::chrono::milliseconds drain{800};      // after a stop, how long in-flight requests may take
    bool access_log = true;
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

// The bytes a connection of the server answers to `bytes` arriving whole and the client then
// closing its side: each request read with the server's parser and body limit, handled, and
// answered as a connection does it, until one is not kept alive; a request that is not HTTP or
// over the limit is answered and ends it, an incomplete one ends it without an answer. A
// connection's requests without a socket, for replaying recorded traffic.
std::string serve_request_bytes(std::string_view bytes, std::size_t max_body_bytes, const RequestHandler& handler);

class HttpServer {
public:
    // Binds and listens; throws IoError naming the address when it cannot.
    HttpServer(HttpServerSettings settings, RequestHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::uint16_t port() const;
    // Starts the worker threads; SIGTERM and SIGINT begin a graceful stop from then on.
    void start();
    // Begins a graceful stop (from any thread).
    void stop();
    // Returns once the workers have ended.
    void wait();

    struct Impl;  // the event loop, the acceptor and the open connections

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace newsclf
