#include "newsclf/serving/http_server.hpp"

#include <atomic>
#include <cerrno>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "newsclf/serving/access_log.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"

namespace newsclf {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

class Session;

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

using Request = http::request<http::string_body>;

// The handler's answer to a whole request; an exception from it is a 500.
HttpResponse handle_request(const Request& request, const RequestHandler& handler) {
    HttpRequest r{view(request.method_string()), view(request.target()), view(request[http::field::content_type]),
                  view(request[http::field::accept]), request.body()};
    try {
        return handler(r);
    } catch (const std::exception& e) {
        return error_response(500, std::string("internal error: ") + e.what());
    }
}

// The answer to a request that could not be read: a body over the limit is a 413, bytes that are
// not HTTP a 400; none when the client left, idled past the timeout or stopped mid-request.
std::optional<HttpResponse> read_error_answer(beast::error_code ec, std::size_t max_body_bytes) {
    const bool too_long = ec == http::error::body_limit;
    const bool malformed = ec.category() == beast::error_code(http::error::bad_target).category() && !too_long &&
                           ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (too_long) return payload_too_large(max_body_bytes);
    if (malformed) return error_response(400, "malformed HTTP request: " + ec.message());
    return std::nullopt;
}

// An answer as it goes on the wire, written here rather than by Beast's serializer (which builds
// a field list a request): the status line, Server, Content-Type and Allow when there are any,
// Connection: close when the connection ends after it, Content-Length, then the body (none for
// HEAD, its length still given); the bytes Beast wrote for the same answer.
struct WireResponse {
    std::string bytes;
    int status = 200;
    std::size_t body_bytes = 0;  // of the body sent
    bool keep_alive = true;
};

WireResponse wire_response(const HttpResponse& answer, bool keep_alive, bool head) {
    WireResponse w;
    w.status = answer.status;
    w.keep_alive = keep_alive;
    w.body_bytes = head ? 0 : answer.body.size();
    std::string& out = w.bytes;
    out.reserve(160 + w.body_bytes);
    out += "HTTP/1.1 ";
    out += std::to_string(answer.status);
    out += ' ';
    out += view(http::obsolete_reason(static_cast<http::status>(answer.status)));
    out += "\r\nServer: newsclf\r\n";
    auto field = [&out](std::string_view name, std::string_view value) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    };
    if (!answer.content_type.empty()) field("Content-Type", answer.content_type);
    if (!answer.allow.empty()) field("Allow", answer.allow);
    if (!keep_alive) field("Connection", "close");
    field("Content-Length", std::to_string(answer.body.size()));
    out += "\r\n";
    if (!head) out += answer.body;
    return w;
}

}  // namespace

// One event loop per worker thread, so that no request waits on another thread's lock; the
// acceptor hands connections to the loops in turn.
struct HttpServer::Impl {
    using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;
    HttpServerSettings settings;
    RequestHandler handler;
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<WorkGuard> work;
    std::size_t next_context = 0;
    tcp::acceptor acceptor;
    asio::signal_set signals;
    asio::steady_timer drain_timer, log_timer, accept_timer;
    // While descriptors are out (EMFILE, ENFILE), accepting pauses for this long, doubling up to
    // max_accept_pause; zero when accepting works.
    std::chrono::milliseconds accept_pause{0};
    static constexpr std::chrono::milliseconds first_accept_pause{5}, max_accept_pause{500};
    AccessLog access_log;
    std::vector<std::thread> threads;
    std::atomic<bool> stopping{false};
    Clock::time_point stop_deadline;
    std::mutex sessions_mutex;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

    Impl(HttpServerSettings s, RequestHandler h)
        : settings(std::move(s)),
          handler(std::move(h)),
          contexts(make_contexts(std::max<std::size_t>(1, settings.workers))),
          acceptor(*contexts[0]),
          signals(*contexts[0]),
          drain_timer(*contexts[0]),
          log_timer(*contexts[0]),
          accept_timer(*contexts[0]) {
        for (auto& c : contexts) work.emplace_back(c->get_executor());
    }

    static std::vector<std::unique_ptr<asio::io_context>> make_contexts(std::size_t n) {
        std::vector<std::unique_ptr<asio::io_context>> c;
        for (std::size_t i = 0; i < n; ++i) c.push_back(std::make_unique<asio::io_context>(1));
        return c;
    }

    void accept();
    void pause_accepting(const beast::error_code& ec);
    void begin_stop();
    void watch_drain();
    std::size_t sessions_open() {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        return sessions.size();
    }
    void flush_log_periodically();
};

namespace {

// One connection: read a request, answer it, and again while the client keeps it alive.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, HttpServer::Impl& server) : stream_(std::move(socket)), server_(server) {}

    ~Session() {
        std::lock_guard<std::mutex> lock(server_.sessions_mutex);
        server_.sessions.erase(this);
    }

    void start() {
        {
            std::lock_guard<std::mutex> lock(server_.sessions_mutex);
            server_.sessions.emplace(this, weak_from_this());
        }
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
    }

    // Called on a stop: an idle connection is closed now, a busy one after its answer.
    void close_if_idle() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (!self->busy_) self->close();
        });
    }

private:
    void read_header() {
        if (server_.stopping) return close();
        parser_.emplace();
        parser_->body_limit(server_.settings.max_body_bytes);
        stream_.expires_after(server_.settings.timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        if (ec) return on_read_error(ec);
        busy_ = true;
        started_ = Clock::now();
        auto& request = parser_->get();
        if (beast::iequals(request[http::field::expect], "100-continue")) {
            continue_.emplace(http::status::continue_, request.version());
            http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return self->close();
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
    }

    void on_body(beast::error_code ec) {
        if (ec) return on_read_error(ec);
        auto& request = parser_->get();
        respond(handle_request(request, server_.handler), request.keep_alive(), request.method() == http::verb::head);
    }

    // The client left, idled past the timeout, or the server is stopping: close. A body over the
    // limit or a request that is not HTTP: answer, then close.
    void on_read_error(beast::error_code ec) {
        std::optional<HttpResponse> answer = read_error_answer(ec, server_.settings.max_body_bytes);
        if (!answer) return close();
        busy_ = true;
        started_ = Clock::now();
        unread_input_ = true;
        respond(*answer, false, false);
    }

    void respond(const HttpResponse& answer, bool keep_alive, bool head) {
        response_ = wire_response(answer, keep_alive && !server_.stopping, head);
        stream_.expires_after(server_.settings.timeout);
        asio::async_write(stream_, asio::buffer(response_.bytes),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
        if (server_.settings.access_log)
            server_.access_log.record(view(parser_->get().method_string()), view(parser_->get().target()),
                                      response_.status, response_.body_bytes, took);
        busy_ = false;
        if (!ec && unread_input_) return linger();
        if (ec || !response_.keep_alive) return close();
        read_header();
    }

    // After an answer to a request whose body was not read (413, 400), the client may still be
    // sending it: read and drop what comes, for at most the timeout (5 s at most), then close.
    // Closing at once would reset the connection and lose the answer on the client's side.
    void linger() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(std::min<std::chrono::milliseconds>(server_.settings.timeout, std::chrono::seconds(5)));
        discard_ = std::make_unique<char[]>(discard_bytes);
        drain();
    }

    void drain() {
        stream_.async_read_some(asio::buffer(discard_.get(), discard_bytes),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec || self->server_.stopping) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    HttpServer::Impl& server_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::empty_body>> continue_;
    WireResponse response_;
    bool busy_ = false;
    bool unread_input_ = false;  // a refused request's body may still be arriving
    static constexpr std::size_t discard_bytes = 65536;
    std::unique_ptr<char[]> discard_;
    Clock::time_point started_;
};

}  // namespace

void HttpServer::Impl::accept() {
    auto& context = *contexts[next_context++ % contexts.size()];
    acceptor.async_accept(context, [this](beast::error_code ec, tcp::socket socket) {
        if (stopping || !acceptor.is_open()) return;
        if (!ec) {
            if (accept_pause.count()) {
                accept_pause = std::chrono::milliseconds(0);
                log_info("accepting connections again");
            }
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            std::make_shared<Session>(std::move(socket), *this)->start();
        } else if (ec == asio::error::no_descriptors ||
                   ec == beast::error_code(ENFILE, asio::error::get_system_category()) ||
                   ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
            return pause_accepting(ec);
        }
        accept();
    });
}

// Out of descriptors, accept fails at once for as long as the pending connection waits in the
// backlog: retrying at once would spin a core and starve the connections being served. Pause
// instead, longer each time while it lasts, and say so once per episode.
void HttpServer::Impl::pause_accepting(const beast::error_code& ec) {
    if (!accept_pause.count()) {
        accept_pause = first_accept_pause;
        log_info("cannot accept connections: " + ec.message() + " (" + std::to_string(sessions_open()) +
                 " open); pausing until connections close (raise the limit with ulimit -n)");
    } else {
        accept_pause = std::min(accept_pause * 2, max_accept_pause);
    }
    accept_timer.expires_after(accept_pause);
    accept_timer.async_wait([this](beast::error_code ec) {
        if (!ec && !stopping) accept();
    });
}

void HttpServer::Impl::begin_stop() {
    if (stopping.exchange(true)) return;
    stop_deadline = Clock::now() + settings.drain;
    asio::post(acceptor.get_executor(), [this] {
        beast::error_code ignored;
        acceptor.close(ignored);
    });
    signals.cancel();
    log_timer.cancel();
    accept_timer.cancel();
    std::vector<std::shared_ptr<Session>> open;
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        for (auto& entry : sessions)
            if (auto s = entry.second.lock()) open.push_back(std::move(s));
    }
    for (auto& s : open) s->close_if_idle();
    watch_drain();
}

// Ends the event loop once every connection is closed, or at the deadline.
void HttpServer::Impl::watch_drain() {
    drain_timer.expires_after(std::chrono::milliseconds(5));
    drain_timer.async_wait([this](beast::error_code) {
        bool drained;
        {
            std::lock_guard<std::mutex> lock(sessions_mutex);
            drained = sessions.empty();
        }
        if (drained || Clock::now() >= stop_deadline)
            for (auto& c : contexts) c->stop();
        else
            watch_drain();
    });
}

void HttpServer::Impl::flush_log_periodically() {
    log_timer.expires_after(std::chrono::milliseconds(200));
    log_timer.async_wait([this](beast::error_code ec) {
        access_log.flush();
        if (!ec && !stopping) flush_log_periodically();
    });
}

HttpServer::HttpServer(HttpServerSettings settings, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(handler))) {
    const std::string where = impl_->settings.address + ":" + std::to_string(impl_->settings.port);
    beast::error_code ec;
    auto address = asio::ip::make_address(impl_->settings.address, ec);
    if (ec) throw UsageError("cannot listen on " + where + ": not an IP address");
    tcp::endpoint endpoint(address, impl_->settings.port);
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw IoError("cannot listen on " + where + ": " + ec.message());
}

HttpServer::~HttpServer() {
    if (!impl_->threads.empty()) {
        stop();
        wait();
    }
}

std::uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::start() {
    impl_->signals.add(SIGTERM);
    impl_->signals.add(SIGINT);
    impl_->signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) impl_->begin_stop();
    });
    impl_->accept();
    impl_->flush_log_periodically();
    for (auto& c : impl_->contexts) impl_->threads.emplace_back([&c] { c->run(); });
}

void HttpServer::stop() {
    asio::post(*impl_->contexts[0], [this] { impl_->begin_stop(); });
}

std::string serve_request_bytes(std::string_view bytes, std::size_t max_body_bytes, const RequestHandler& handler) {
    std::string out;
    asio::const_buffer input(bytes.data(), bytes.size());
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.eager(true);
        parser.body_limit(max_body_bytes);
        beast::error_code ec;
        while (!parser.is_done()) {
            std::size_t used = parser.put(input, ec);
            input += used;
            if (ec == http::error::need_more || (!ec && used == 0)) {
                ec = {};
                // The connection ends here: what the stream's reader does at its end of input.
                if (parser.got_some())
                    parser.put_eof(ec);
                else
                    ec = http::error::end_of_stream;
                break;
            }
            if (ec) break;
        }
        if (ec) {
            std::optional<HttpResponse> answer = read_error_answer(ec, max_body_bytes);
            if (answer) out += wire_response(*answer, false, false).bytes;
            return out;
        }
        const Request& request = parser.get();
        const WireResponse r = wire_response(handle_request(request, handler), request.keep_alive(),
                                             request.method() == http::verb::head);
        out += r.bytes;
        if (!r.keep_alive) return out;
    }
}

void HttpServer::wait() {
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
    impl_->access_log.flush();
}

}  // namespace newsclf
