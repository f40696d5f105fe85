// The inference contract as a function over requests: routes, methods, content types, Accept,
// the answers' shapes (the workshop's, BlazingText's, JSON Lines, CSV) and every error status.
#include "newsclf/serving/invocations.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <random>
#include <map>
#include <set>

#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/model/explanation.hpp"
#include "newsclf/model/prediction.hpp"
#include "test_support.hpp"

using namespace newsclf;
using newsclf::test::contains;
using newsclf::test::fixture_path;

namespace {

const Classifier& tiny_classifier() {
    static const std::unique_ptr<Classifier> classifier = load_classifier(fixture_path("tiny.model"));
    return *classifier;
}

struct Ready {
    InvocationHandler handler{InvocationSettings{1024, 3}};
    Ready() { handler.set_classifier(&tiny_classifier()); }
    HttpResponse post(std::string_view content_type, std::string_view body, std::string_view accept = "") const {
        return handler.handle({"POST", "/invocations", content_type, accept, body});
    }
};

std::string error_of(const HttpResponse& r) {
    simdjson::dom::parser parser;
    std::string_view message;
    REQUIRE_FALSE(parser.parse(r.body)["error"].get(message));
    return std::string(message);
}

std::vector<std::string> lines_of(const std::string& body) {
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < body.size();) {
        std::size_t end = body.find('\n', start);
        REQUIRE(end != std::string::npos);  // every answer line ends with a newline
        lines.push_back(body.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

const std::string workshop = "Why Exercise Alone May Not Be the Key to Weight Loss";

}  // namespace

TEST_CASE("/ping answers 503 while the model loads, then 200 with an empty body") {
    InvocationHandler handler{InvocationSettings{}};
    CHECK(handler.handle({"GET", "/ping", "", "", ""}).status == 503);
    CHECK(handler.handle({"POST", "/invocations", "application/json", "", "{\"input\": \"x\"}"}).status == 503);
    handler.set_classifier(&tiny_classifier());
    HttpResponse r = handler.handle({"GET", "/ping", "", "", ""});
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    CHECK(handler.handle({"HEAD", "/ping?x=1", "", "", ""}).status == 200);
}

TEST_CASE("the workshop's request gets the workshop's answer, byte for byte") {
    Ready s;
    HttpResponse r = s.post("application/json", "{\"input\": \"" + workshop + "\"}");
    CHECK(r.status == 200);
    CHECK(r.content_type == "application/json");
    const Probabilities p = tiny_classifier().classify(workshop);
    CHECK(r.body == "{\"result\": \"" + std::string(label_names[best_label(p)]) + "\"}");
    // Parameters of the media type and its case do not matter; a missing type is JSON.
    CHECK(s.post("Application/JSON; charset=utf-8", "{\"input\": \"" + workshop + "\"}").body == r.body);
    CHECK(s.post("", "{\"input\": \"" + workshop + "\"}").body == r.body);
}

TEST_CASE("instances answer BlazingText's labels and probabilities, k of them, best first") {
    Ready s;
    HttpResponse r = s.post("application/json", "{\"instances\": [\"" + workshop + "\", \"apple stocks\"], \"configuration\": {\"k\": 2}}");
    REQUIRE(r.status == 200);
    simdjson::dom::parser parser;
    simdjson::dom::array answers = parser.parse(r.body).get_array();
    REQUIRE(answers.size() == 2);
    std::size_t i = 0;
    for (const std::string& title : {workshop, std::string("apple stocks")}) {
        const Probabilities p = tiny_classifier().classify(title);
        simdjson::dom::array labels = answers.at(i)["label"].get_array();
        simdjson::dom::array probs = answers.at(i)["prob"].get_array();
        REQUIRE(labels.size() == 2);
        REQUIRE(probs.size() == 2);
        CHECK(std::string_view(labels.at(0).get_string()) == "__label__" + std::string(label_codes[best_label(p)]));
        CHECK(double(probs.at(0).get_double()) == doctest::Approx(p[best_label(p)]).epsilon(1e-6));
        CHECK(double(probs.at(0).get_double()) >= double(probs.at(1).get_double()));
        ++i;
    }
    // Without a configuration, one label each.
    simdjson::dom::array one = parser.parse(s.post("application/json", "{\"instances\": [\"a\"]}").body).get_array();
    CHECK(simdjson::dom::array(one.at(0)["label"].get_array()).size() == 1);
}

TEST_CASE("explain: the workshop's request and BlazingText's instances get each headline's explanation") {
    Ready s;
    std::string expected_json;
    {
        JsonWriter w(expected_json, JsonWriter::Style::python);
        w.begin_object().member("result", label_names[best_label(tiny_classifier().classify(workshop))]);
        write_explanation_json(w.key("explanation"), explain(tiny_classifier(), workshop));
        w.end_object();
    }
    HttpResponse r = s.post("application/json", "{\"input\": \"" + workshop + "\", \"explain\": true}");
    CHECK(r.status == 200);
    CHECK(r.body == expected_json);
    // Asked not to explain: the workshop's answer, byte for byte.
    CHECK(s.post("application/json", "{\"input\": \"" + workshop + "\", \"explain\": false}").body ==
          s.post("application/json", "{\"input\": \"" + workshop + "\"}").body);

    const std::string instances = "{\"instances\": [\"" + workshop + "\", \"apple stocks\"], \"configuration\": {\"k\": 2, \"explain\": true}}";
    r = s.post("application/json", instances);
    REQUIRE(r.status == 200);
    simdjson::dom::parser parser;
    simdjson::dom::array answers = parser.parse(r.body).get_array();
    REQUIRE(answers.size() == 2);
    std::size_t i = 0;
    for (const std::string& title : {workshop, std::string("apple stocks")}) {
        const Explanation e = explain(tiny_classifier(), title);
        simdjson::dom::element x = answers.at(i++)["explanation"];
        CHECK(std::string_view(x["method"]) == "occlusion");  // the tiny model is an mlp
        CHECK(std::string_view(x["class"]) == label_codes[e.label]);
        CHECK(simdjson::dom::array(x["contributions"]).size() == e.contributions.size());
    }
    // The same answer without the explanations as without asking, and in JSON Lines too.
    const std::string plain = s.post("application/json", "{\"instances\": [\"" + workshop + "\", \"apple stocks\"], \"configuration\": {\"k\": 2}}").body;
    CHECK(plain.find("explanation") == std::string::npos);
    const auto lines = lines_of(s.post("application/json", instances, "application/jsonlines").body);
    REQUIRE(lines.size() == 2);
    CHECK(contains(lines[0], "\"explanation\":{\"method\":\"occlusion\""));
    // No room for it in CSV; a value that is not a boolean is refused.
    CHECK(s.post("application/json", instances, "text/csv").status == 406);
    HttpResponse bad = s.post("application/json", "{\"instances\": [\"a\"], \"configuration\": {\"explain\": 1}}");
    CHECK(bad.status == 400);
    CHECK(contains(error_of(bad), "\"explain\" must be true or false"));
}

TEST_CASE("JSON Lines, CSV and plain text: one answer line per input line, in order") {
    Ready s;
    const std::vector<std::string> titles = {workshop, "Apple, Google and \"Samsung\" phones", ""};
    const std::string jsonl = "{\"input\": \"" + titles[0] + "\", \"id\": \"7\"}\n{\"title\": \"Apple, Google and \\\"Samsung\\\" phones\"}\n";
    HttpResponse r = s.post("application/jsonlines", jsonl);
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/jsonlines");
    auto lines = lines_of(r.body);
    REQUIRE(lines.size() == 2);
    std::string expected;
    const std::string id = "7";
    append_prediction_json(expected, tiny_classifier().classify(titles[0]), PredictionFormat{4}, &id);
    CHECK(lines[0] == expected);

    // CSV: a quoted first field is unquoted; the answer is label,probability.
    r = s.post("text/csv", "\"Apple, Google and \"\"Samsung\"\" phones\"\r\n" + titles[0] + "\n");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "text/csv");
    lines = lines_of(r.body);
    REQUIRE(lines.size() == 2);
    const Probabilities p = tiny_classifier().classify(titles[1]);
    CHECK(lines[0].substr(0, 2) == std::string(label_codes[best_label(p)]) + ",");

    // Plain text answers JSON Lines by default, and an empty line is a headline too.
    r = s.post("text/plain", titles[0] + "\n\n" + titles[1]);
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/jsonlines");
    CHECK(lines_of(r.body).size() == 3);
}

TEST_CASE("Accept chooses the answer's type, by quality then order") {
    Ready s;
    const std::string body = workshop + "\n" + workshop + "\n";
    CHECK(s.post("text/plain", body, "application/json").content_type == "application/json");
    CHECK(s.post("text/plain", body, "text/csv").content_type == "text/csv");
    CHECK(s.post("text/plain", body, "application/json;q=0.5, text/csv").content_type == "text/csv");
    CHECK(s.post("text/plain", body, "*/*").content_type == "application/jsonlines");
    CHECK(s.post("application/json", "{\"input\": \"x\"}", "application/jsonlines").content_type == "application/jsonlines");
    HttpResponse r = s.post("text/plain", body, "image/png");
    CHECK(r.status == 406);
    CHECK(contains(error_of(r), "image/png"));
}

TEST_CASE("errors: each status with a message that says what to send") {
    Ready s;
    struct Case {
        HttpResponse response;
        int status;
        std::string part;
    };
    const std::vector<Case> cases = {
        {s.post("application/json", "{\"input\": "), 400, "malformed JSON"},
        {s.post("application/json", "[1]"), 400, "must be an object"},
        {s.post("application/json", "{\"inputs\": \"x\"}"), 400, "neither \"input\" nor \"instances\""},
        {s.post("application/json", "{\"input\": 3}"), 400, "\"input\" must be a string"},
        {s.post("application/json", "{\"instances\": [\"a\", 2]}"), 400, "\"instances\"[1]"},
        {s.post("application/json", "{\"instances\": [\"a\"], \"configuration\": {\"k\": 9}}"), 400, "\"k\""},
        {s.post("application/json", ""), 400, "empty body"},
        {s.post("application/jsonlines", "{\"input\": \"a\"}\nnot json\n"), 400, "request body:2:"},
        {s.post("text/csv", "\"unterminated\n"), 400, "request body:1: unterminated"},
        {s.post("text/plain", std::string(1025, 'a')), 413, "1024 bytes"},
        {s.post("image/png", "x"), 415, "image/png"},
        {s.handler.handle({"GET", "/nothing", "", "", ""}), 404, "/nothing"},
        {s.handler.handle({"GET", "/invocations", "", "", ""}), 405, "use POST"},
        {s.handler.handle({"DELETE", "/ping", "", "", ""}), 405, "use GET"},
    };
    for (const auto& c : cases) {
        INFO(c.response.body);
        CHECK(c.response.status == c.status);
        CHECK(c.response.content_type == "application/json");
        CHECK(contains(error_of(c.response), c.part));
    }
    CHECK(s.handler.handle({"GET", "/invocations", "", "", ""}).allow == "POST");
    // A bad request leaves the handler as it was.
    CHECK(s.post("application/json", "{\"input\": \"" + workshop + "\"}").status == 200);
}

TEST_CASE("/execution-parameters gives batch transform its settings") {
    Ready s;
    HttpResponse r = s.handler.handle({"GET", "/execution-parameters", "", "", ""});
    CHECK(r.status == 200);
    CHECK(r.body == "{\"MaxConcurrentTransforms\":3,\"BatchStrategy\":\"MULTI_RECORD\",\"MaxPayloadInMB\":0}");
    InvocationHandler defaults{InvocationSettings{}};
    CHECK(contains(defaults.handle({"GET", "/execution-parameters", "", "", ""}).body, "\"MaxPayloadInMB\":6"));
}

TEST_CASE("text/plain and text/csv bodies that are not UTF-8 are refused, naming the line and the byte") {
    Ready s;
    for (const char* type : {"text/plain", "text/csv"}) {
        HttpResponse r = s.post(type, "Fed holds rates\nApple \xff unveils\n");
        INFO(type);
        CHECK(r.status == 400);
        CHECK(contains(error_of(r), "request body:2: invalid UTF-8 at byte 7"));
    }
    CHECK(s.post("text/plain", "Caf\xc3\xa9 prices rise\n").status == 200);
}

TEST_CASE("a JSON Lines id keeps the digits it was sent with, whatever their size") {
    Ready s;
    HttpResponse r = s.post("application/jsonlines",
                            "{\"id\": 123456789012345678901234567890, \"input\": \"Fed holds rates\"}\n"
                            "{\"id\": 1e400, \"input\": \"Fed holds rates\"}\n"
                            "{\"id\": -1.50, \"input\": \"Fed holds rates\"}\n");
    REQUIRE(r.status == 200);
    auto lines = lines_of(r.body);
    REQUIRE(lines.size() == 3);
    CHECK(contains(lines[0], "{\"id\":\"123456789012345678901234567890\","));
    CHECK(contains(lines[1], "{\"id\":\"1e400\","));
    CHECK(contains(lines[2], "{\"id\":\"-1.50\","));
}

namespace {

// Bytes of every kind: control bytes, quotes, backslashes, invalid UTF-8, NUL.
std::string random_bytes(std::mt19937& rng, std::size_t max_length) {
    std::string s(std::uniform_int_distribution<std::size_t>(0, max_length)(rng), '\0');
    for (auto& c : s) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    return s;
}

template <typename T>
const T& pick(std::mt19937& rng, const std::vector<T>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
}

// A valid body, or one with a random byte changed, inserted or cut off.
std::string random_body(std::mt19937& rng) {
    const std::vector<std::string> bodies = {
        "{\"input\": \"" + workshop + "\"}",
        "{\"instances\": [\"Fed holds rates\", \"Apple unveils a watch\"], \"configuration\": {\"k\": 2}}",
        "{\"id\": 123456789012345678901234567890, \"input\": \"x\"}\n{\"id\": 1e400, \"title\": \"y\"}\n",
        "{\"id\": \"\\u0000\\\"\\\\\", \"input\": \"\\ud800\"}\n",
        "\"Fed, ECB \"\"hold\"\" rates\"\r\nApple unveils a watch\r\n",
        "Fed holds rates\n\nApple unveils a watch\n",
        "{\"instances\": [1e400, -0, 18446744073709551616]}",
        "{\"configuration\": {\"k\": \"\\u0001\"}, \"input\": \"x\"}",
        std::string(1100, 'a'),  // over the limit of 1024 bytes
        "",
    };
    std::string body = pick(rng, bodies);
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
    case 0: return body;
    case 1: return random_bytes(rng, 200);
    case 2:
        if (!body.empty())
            body[std::uniform_int_distribution<std::size_t>(0, body.size() - 1)(rng)] =
                static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
        return body;
    case 3:
        body.insert(std::uniform_int_distribution<std::size_t>(0, body.size())(rng), random_bytes(rng, 8));
        return body;
    default: return body.substr(0, std::uniform_int_distribution<std::size_t>(0, body.size())(rng));
    }
}

}  // namespace

// Every answer, whatever the request held, is one of the documented statuses, and a JSON answer
// (every error is one) parses as JSON: a request's bytes echoed in a message are escaped.
TEST_CASE("random requests: every answer has a documented status, and every JSON answer parses") {
    Ready ready;
    InvocationHandler loading{InvocationSettings{1024, 1}};
    std::mt19937 rng(20261206);  // fixed: the same requests on every run
    const std::vector<std::string> methods = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "BREW"};
    const std::vector<std::string> paths = {"/ping", "/invocations", "/execution-parameters", "/", "*", "/invocations?x=\"1\""};
    const std::vector<std::string> types = {"",          "application/json", "application/jsonlines; charset=utf-8",
                                            "text/csv",  "text/plain",       "Application/JSON",
                                            "image/png", "application/x-jsonlines"};
    const std::vector<std::string> accepts = {"", "*/*", "application/json", "text/csv;q=0.5, application/jsonlines",
                                              "image/png", "text/*"};
    const std::set<int> documented = {200, 400, 404, 405, 406, 413, 415, 503};
    simdjson::dom::parser parser;
    std::map<int, std::size_t> statuses;
    for (int i = 0; i < 5000; ++i) {
        // Each part is one of the usual values or random bytes.
        auto either = [&](const std::vector<std::string>& usual, std::size_t max_length) {
            return std::uniform_int_distribution<int>(0, 3)(rng) ? pick(rng, usual) : random_bytes(rng, max_length);
        };
        // Half the requests are POSTs to /invocations, so that many bodies reach the parsers.
        const bool post = std::uniform_int_distribution<int>(0, 1)(rng) == 0;
        const std::string method = post ? "POST" : either(methods, 12);
        std::string path = post ? "/invocations" : either(paths, 300);
        if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) path += random_bytes(rng, 40);
        const std::string type = either(types, 40), accept = either(accepts, 40);
        const std::string body = random_body(rng);
        const bool is_loading = std::uniform_int_distribution<int>(0, 19)(rng) == 0;
        const HttpResponse r = (is_loading ? loading : ready.handler).handle({method, path, type, accept, body});
        const std::string what = "request " + std::to_string(i) + ": " + json_string(method) + " " + json_string(path) +
                                 " type " + json_string(type) + " accept " + json_string(accept) + " body " +
                                 json_string(body) + " -> " + std::to_string(r.status) + " " + json_string(r.body);
        INFO(what);
        REQUIRE(documented.count(r.status) == 1);
        ++statuses[r.status];
        if (r.status != 200) REQUIRE(r.content_type == "application/json");
        if (r.content_type == "application/json") {
            simdjson::dom::element doc;
            REQUIRE(parser.parse(r.body).get(doc) == simdjson::SUCCESS);
            if (r.status != 200) REQUIRE(doc["error"].is_string());
        } else if (r.content_type == "application/jsonlines") {
            for (const auto& line : lines_of(r.body)) REQUIRE(parser.parse(line).error() == simdjson::SUCCESS);
        }
    }
    // The mix reaches every status.
    for (int status : documented) {
        INFO(status);
        CHECK(statuses[status] > 20);
    }
}
