// The HTTP server over a real socket on 127.0.0.1: a handler's answer, keep-alive, the 413 of a
// body over the limit before the body is sent, a graceful stop, and random request lines and
// headers. Every wait is bounded.
#include "newsclf/serving/http_server.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "newsclf/base/json.hpp"
#include "newsclf/serving/invocations.hpp"

using namespace newsclf;

namespace {

// A client connection with a 5 s receive timeout, so that a server that does not answer fails
// the test instead of hanging it.
class Client {
public:
    explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        REQUIRE(fd_ >= 0);
        timeval timeout{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return connected_; }
    void send(const std::string& bytes) {
        for (std::size_t sent = 0; sent < bytes.size();) {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            REQUIRE(n > 0);
            sent += static_cast<std::size_t>(n);
        }
    }
    // One response: its head and a body of Content-Length bytes. Empty when the connection
    // closed (or timed out) first.
    std::string response() {
        std::size_t head_end;
        while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return "";
        const std::string head = lower(buffer_.substr(0, head_end));
        std::size_t length = 0;
        const std::size_t at = head.find("content-length:");
        if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
        const std::size_t total = head_end + 4 + length;
        while (buffer_.size() < total)
            if (!fill()) return "";
        std::string out = buffer_.substr(0, total);
        buffer_.erase(0, total);
        return out;
    }
    // True when the server closed the connection (nothing more to read).
    bool closed() {
        char c;
        return buffer_.empty() && ::recv(fd_, &c, 1, 0) == 0;
    }

private:
    static std::string lower(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    bool fill() {
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
    int fd_;
    bool connected_ = false;
    std::string buffer_;
};

HttpServerSettings test_settings() {
    HttpServerSettings s;
    s.address = "127.0.0.1";  // never reachable from outside the machine
    s.port = 0;
    s.workers = 1;
    s.timeout = std::chrono::milliseconds(3000);
    s.max_body_bytes = 1024;
    s.drain = std::chrono::milliseconds(200);
    s.access_log = false;
    return s;
}

// Echoes what it was given; /slow waits a little, to be in flight during a stop.
HttpResponse echo(const HttpRequest& r) {
    if (r.target == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(100));
    HttpResponse answer;
    answer.content_type = "text/plain";
    answer.body = std::string(r.method) + " " + std::string(r.target) + " [" + std::string(r.body) + "]";
    return answer;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST_CASE("a request over a socket gets the handler's answer, and the connection is kept alive") {
    HttpServer server(test_settings(), echo);
    REQUIRE(server.port() != 0);
    server.start();
    {
        Client client(server.port());
        REQUIRE(client.connected());
        client.send("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
        const std::string first = client.response();
        CHECK(starts_with(first, "HTTP/1.1 200"));
        CHECK(ends_with(first, "POST /invocations [hello]"));
        client.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");  // the same connection
        const std::string second = client.response();
        CHECK(starts_with(second, "HTTP/1.1 200"));
        CHECK(ends_with(second, "GET /ping []"));
        client.send("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        CHECK(ends_with(client.response(), "GET /last []"));
        CHECK(client.closed());
    }
    server.stop();
    server.wait();
}

TEST_CASE("a body over the limit is answered 413 from its headers, before the body is sent") {
    HttpServer server(test_settings(), echo);
    server.start();
    {
        Client client(server.port());
        REQUIRE(client.connected());
        client.send("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 4096\r\n\r\n");
        const auto start = std::chrono::steady_clock::now();
        const std::string answer = client.response();
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));  // not the read timeout
        CHECK(starts_with(answer, "HTTP/1.1 413"));
        CHECK(answer.find("\"error\":") != std::string::npos);
        CHECK(answer.find("1024 bytes") != std::string::npos);
    }
    server.stop();
    server.wait();
}

TEST_CASE("a graceful stop answers the request in flight, then refuses new connections") {
    HttpServer server(test_settings(), echo);
    server.start();
    const std::uint16_t port = server.port();
    Client client(port);
    REQUIRE(client.connected());
    client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the request is being handled
    const auto start = std::chrono::steady_clock::now();
    server.stop();
    const std::string answer = client.response();
    CHECK(starts_with(answer, "HTTP/1.1 200"));
    CHECK(ends_with(answer, "GET /slow []"));
    server.wait();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    Client late(port);
    CHECK_FALSE(late.connected());
}

TEST_CASE("serve_request_bytes answers a connection's bytes as the server does, without a socket") {
    SUBCASE("requests kept alive are answered in turn, until one asks to close") {
        const std::string out = serve_request_bytes(
            "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
            "GET /b HTTP/1.1\r\nConnection: close\r\n\r\n"
            "GET /never HTTP/1.1\r\n\r\n",
            1024, echo);
        CHECK(starts_with(out, "HTTP/1.1 200"));
        CHECK(out.find("POST /a [hi]") != std::string::npos);
        CHECK(ends_with(out, "GET /b []"));
        CHECK(out.find("/never") == std::string::npos);
    }
    SUBCASE("a body over the limit is a 413, bytes that are not HTTP a 400, each ending the connection") {
        const std::string too_long = serve_request_bytes(
            "POST /a HTTP/1.1\r\nContent-Length: 4096\r\n\r\n" + std::string(4096, 'x') + "GET /b HTTP/1.1\r\n\r\n", 1024, echo);
        CHECK(starts_with(too_long, "HTTP/1.1 413"));
        CHECK(too_long.find("/b") == std::string::npos);
        CHECK(starts_with(serve_request_bytes("NOT HTTP\r\n\r\n", 1024, echo), "HTTP/1.1 400"));
    }
    SUBCASE("an incomplete request gets no answer, as the client closed first") {
        CHECK(serve_request_bytes("", 1024, echo).empty());
        CHECK(serve_request_bytes("POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 1024, echo).empty());
        CHECK(serve_request_bytes("GET /a HTTP/1.1\r\nHost: x\r\n", 1024, echo).empty());
    }
    SUBCASE("the bytes of answers: status line, Server, Content-Type, Allow, Connection, Content-Length") {
        const auto answer = [](HttpResponse r) { return [r](const HttpRequest&) { return r; }; };
        CHECK(serve_request_bytes("GET /ping HTTP/1.1\r\n\r\n", 1024, answer({})) ==
              "HTTP/1.1 200 OK\r\nServer: newsclf\r\nContent-Length: 0\r\n\r\n");
        CHECK(serve_request_bytes("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n", 1024,
                                  answer(error_response(405, "no"))) ==
              "HTTP/1.1 405 Method Not Allowed\r\nServer: newsclf\r\nContent-Type: application/json\r\n"
              "Connection: close\r\nContent-Length: 14\r\n\r\n{\"error\":\"no\"}");
        HttpResponse allowed = error_response(405, "no");
        allowed.allow = "POST";
        CHECK(serve_request_bytes("HEAD /x HTTP/1.0\r\n\r\n", 1024, answer(allowed)) ==
              "HTTP/1.1 405 Method Not Allowed\r\nServer: newsclf\r\nContent-Type: application/json\r\n"
              "Allow: POST\r\nConnection: close\r\nContent-Length: 14\r\n\r\n");
    }
    SUBCASE("a handler that throws is a 500") {
        const std::string out = serve_request_bytes("GET / HTTP/1.1\r\n\r\n", 1024, [](const HttpRequest&) -> HttpResponse {
            throw std::runtime_error("boom");
        });
        CHECK(starts_with(out, "HTTP/1.1 500"));
        CHECK(out.find("internal error: boom") != std::string::npos);
    }
}

// Random bytes in the request line and the headers, over a socket: whatever the server answers,
// itself (400, 413) or through the handler, is a documented status with a body that parses as
// JSON. A request the parser is still waiting on may get no answer (the timeout closes it).
TEST_CASE("random request lines and headers: every answer is a documented status with a JSON body") {
    HttpServerSettings settings = test_settings();
    settings.timeout = std::chrono::milliseconds(300);
    InvocationHandler handler{InvocationSettings{1024, 1}};  // no model: /ping and /invocations answer 503
    HttpServer server(settings, [&handler](const HttpRequest& r) { return handler.handle(r); });
    server.start();
    std::mt19937 rng(20261206);  // fixed: the same requests on every run
    auto bytes = [&](std::size_t max_length) {
        std::string s(std::uniform_int_distribution<std::size_t>(0, max_length)(rng), '\0');
        for (auto& c : s) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
        return s;
    };
    auto one_of = [&](std::vector<std::string> usual, std::size_t max_length) {
        const std::size_t i = std::uniform_int_distribution<std::size_t>(0, usual.size())(rng);
        return i < usual.size() ? usual[i] : bytes(max_length);
    };
    const std::set<int> documented = {200, 400, 404, 405, 406, 413, 415, 503};
    simdjson::dom::parser parser;
    std::size_t answered = 0;
    for (int i = 0; i < 300; ++i) {
        const std::string body = one_of({"", "{\"input\": \"x\"}", std::string(2000, 'a')}, 100);
        std::string request = one_of({"GET", "POST", "DELETE", "BREW"}, 8) + " " +
                              one_of({"/ping", "/invocations", "/nothing", "/%22%5C%FF"}, 50) + " " +
                              one_of({"HTTP/1.1", "HTTP/1.0"}, 10) + "\r\nHost: x\r\n";
        for (int h = std::uniform_int_distribution<int>(0, 3)(rng); h > 0; --h)
            request += one_of({"Content-Type: application/json", "Accept: text/csv", "Expect: 100-continue"}, 30) + "\r\n";
        request += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        Client client(server.port());
        REQUIRE(client.connected());
        client.send(request);
        const std::string answer = client.response();
        if (answer.empty()) continue;
        ++answered;
        INFO("request ", i, ": ", json_string(request.substr(0, 300)), " -> ", json_string(answer.substr(0, 300)));
        REQUIRE(starts_with(answer, "HTTP/1."));
        const std::size_t head_end = answer.find("\r\n\r\n");
        const int status = std::atoi(answer.c_str() + 9);
        if (status == 100) continue;  // "100 Continue", then the answer: the client does not wait here
        REQUIRE(documented.count(status) == 1);
        const std::string payload = answer.substr(head_end + 4);
        if (!payload.empty()) REQUIRE(parser.parse(payload).error() == simdjson::SUCCESS);
    }
    CHECK(answered > 200);
    server.stop();
    server.wait();
}
