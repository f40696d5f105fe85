// newsclf-serve: the model behind SageMaker's inference contract (/ping, /invocations,
// /execution-parameters) over HTTP.
#include <thread>

#include "newsclf/model/classifier.hpp"
#include "newsclf/serving/http_server.hpp"
#include "newsclf/serving/invocations.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

// Each worker is a thread with its own event loop: a few per CPU at the most serve any load; the
// bound keeps a mistyped count from starting thousands of threads.
constexpr double max_workers = 256;

struct Options {
    std::string model;
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    std::size_t workers = 0;
    double timeout = 60;
    std::size_t max_payload_mb = 6;
};

void run(const Options& o) {
    HttpServerSettings settings;
    settings.address = o.address;
    settings.port = o.port;
    settings.workers = o.workers ? o.workers : std::max(1u, std::thread::hardware_concurrency());
    settings.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000));
    settings.max_body_bytes = o.max_payload_mb * 1024 * 1024;
    settings.access_log = verbosity() > 0;
    InvocationHandler handler({settings.max_body_bytes, settings.workers});
    // Listening before the model is loaded: /ping answers 503 until it is.
    HttpServer server(settings, [&handler](const HttpRequest& r) { return handler.handle(r); });
    server.start();
    log_info("listening on " + o.address + ":" + std::to_string(server.port()) + " with " +
             std::to_string(settings.workers) + " workers");
    std::unique_ptr<Classifier> classifier;
    try {
        classifier = load_classifier(o.model);
    } catch (...) {
        server.stop();
        server.wait();
        throw;
    }
    handler.set_classifier(classifier.get());
    log_info(o.model + ": " + classifier->model().options.arch + " model loaded; ready");
    server.wait();
    log_info("stopped");
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-serve",
                     "Serve a model over HTTP on SageMaker's inference contract: GET /ping, POST /invocations "
                     "(JSON, JSON Lines, CSV or plain lines), GET /execution-parameters.",
                     [](CLI::App& app) {
                         add_model_option(app, o.model);
                         app.add_option("--address", o.address,
                                        "IP address to listen on (0.0.0.0: every IPv4 interface, as the container's serve does)");
                         app.add_option("-p,--port", o.port, "TCP port, up to 65535 (0: any free port, printed on stderr)")
                             ->envname("SAGEMAKER_BIND_TO_PORT")
                             ->check(number_between(0, 65535, true, "SAGEMAKER_BIND_TO_PORT"));
                         app.add_option("-w,--workers", o.workers, "worker threads, at most 256; 0: one per CPU")
                             ->envname("MODEL_SERVER_WORKERS")
                             ->check(number_between(0, max_workers, true, "MODEL_SERVER_WORKERS"));
                         app.add_option("--timeout", o.timeout,
                                        "seconds to read one request or wait for the next on a connection, from 0.001 "
                                        "to 86400 (a day)")
                             ->envname("MODEL_SERVER_TIMEOUT")
                             ->check(number_between(0.001, 86400, false, "MODEL_SERVER_TIMEOUT"));
                         app.add_option("--max-payload-mb", o.max_payload_mb, "largest request body in MB; longer ones get 413")
                             ->check(CLI::Range(1, 1024));
                         return [] { run(o); };
                     });
}
