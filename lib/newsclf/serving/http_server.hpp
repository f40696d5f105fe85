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
