#include "newsclf/serving/invocations.hpp"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/model/prediction.hpp"
#include "newsclf/text/records.hpp"
#include "newsclf/text/utf8.hpp"

namespace newsclf {

namespace {

enum class BodyType { json, jsonlines, csv, text };
enum class AnswerType { json, jsonlines, csv };

// A request that is the client's fault: answered with its status and message.
struct RequestError {
    int status;
    std::string message;
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// "Application/JSON; charset=utf-8" -> "application/json"
std::string media_type(std::string_view header) {
    return lower(trim(header.substr(0, header.find(';'))));
}

BodyType body_type(std::string_view content_type) {
    const std::string type = media_type(content_type);
    if (type.empty() || type == "application/json") return BodyType::json;
    if (type == "application/jsonlines" || type == "application/x-jsonlines" || type == "application/jsonl")
        return BodyType::jsonlines;
    if (type == "text/csv") return BodyType::csv;
    if (type == "text/plain") return BodyType::text;
    throw RequestError{415, "unsupported Content-Type \"" + std::string(content_type) +
                                "\": send application/json, application/jsonlines, text/csv or text/plain"};
}

AnswerType default_answer(BodyType body) {
    switch (body) {
    case BodyType::json: return AnswerType::json;
    case BodyType::csv: return AnswerType::csv;
    default: return AnswerType::jsonlines;
    }
}

// The first acceptable type of an Accept header, by quality then order; */* and application/*
// take the body's own answer type.
AnswerType answer_type(std::string_view accept, BodyType body) {
    if (trim(accept).empty()) return default_answer(body);
    const std::string header(accept);
    struct Range {
        std::string type;
        double quality;
    };
    std::vector<Range> ranges;
    while (!accept.empty()) {
        std::size_t comma = accept.find(',');
        std::string_view item = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
        double quality = 1.0;
        std::size_t q = item.find(";q=");
        if (q == std::string_view::npos) q = item.find("; q=");
        if (q != std::string_view::npos) quality = std::atof(std::string(item.substr(item.find('=', q) + 1)).c_str());
        if (quality > 0) ranges.push_back({media_type(item), quality});
    }
    std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.quality > b.quality; });
    for (const auto& r : ranges) {
        if (r.type == "*/*" || r.type == "application/*") return default_answer(body);
        if (r.type == "application/json") return AnswerType::json;
        if (r.type == "application/jsonlines" || r.type == "application/x-jsonlines" || r.type == "application/jsonl")
            return AnswerType::jsonlines;
        if (r.type == "text/csv" || r.type == "text/*") return AnswerType::csv;
    }
    throw RequestError{406, "cannot answer in \"" + header +
                                "\": Accept application/json, application/jsonlines or text/csv"};
}

// The headlines of one request, in order, with the ids JSON Lines records may carry.
struct Batch : HeadlineBatch {
    bool single_input = false;     // {"input": "..."}: the workshop's request
    std::optional<std::size_t> k;  // "configuration": {"k": ...}
    bool explain = false;          // "explain": true, or "configuration": {"explain": true}
};

// Lines of a body without their '\n' (and '\r'); a final newline ends the last line.
template <typename F>
void for_each_line(std::string_view body, F&& f) {
    std::size_t number = 0;
    while (!body.empty()) {
        std::size_t end = body.find('\n');
        std::string_view line = body.substr(0, end);
        body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        f(line, ++number);
    }
}

std::size_t configured_k(simdjson::dom::element configuration) {
    simdjson::dom::element k;
    if (configuration.at_key("k").get(k)) return 0;
    int64_t value = 0;
    if (k.get_int64().get(value) || value < 1 || value > static_cast<int64_t>(label_count))
        throw RequestError{400, "\"configuration\": \"k\" must be an integer from 1 to 4, not " + simdjson::minify(k)};
    return static_cast<std::size_t>(value);
}

// The value of an "explain" member of `object`, if it has one (a boolean).
bool explain_member(simdjson::dom::element object, const char* where) {
    simdjson::dom::element explain;
    if (object.at_key("explain").get(explain)) return false;
    bool value = false;
    if (explain.get_bool().get(value))
        throw RequestError{400, std::string(where) + "\"explain\" must be true or false, not " + simdjson::minify(explain)};
    return value;
}

Batch parse_json(std::string_view body) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto error = parser.parse(body.data(), body.size()).get(doc))
        throw RequestError{400, std::string("malformed JSON body: ") + simdjson::error_message(error)};
    simdjson::dom::object object;
    if (doc.get_object().get(object))
        throw RequestError{400, "the JSON body must be an object: {\"input\": \"<headline>\"} or {\"instances\": [...]}"};
    Batch batch;
    simdjson::dom::element configuration;
    if (!object.at_key("configuration").get(configuration)) {
        if (!configuration.is_object()) throw RequestError{400, "\"configuration\" must be an object such as {\"k\": 2}"};
        if (std::size_t k = configured_k(configuration)) batch.k = k;
        batch.explain = explain_member(configuration, "\"configuration\": ");
    }
    if (explain_member(doc, "")) batch.explain = true;
    simdjson::dom::element input, instances;
    if (!object.at_key("input").get(input)) {
        std::string_view title;
        if (input.get_string().get(title)) throw RequestError{400, "\"input\" must be a string: the headline"};
        batch.titles.emplace_back(title);
        batch.single_input = true;
    } else if (!object.at_key("instances").get(instances)) {
        simdjson::dom::array array;
        if (instances.get_array().get(array)) throw RequestError{400, "\"instances\" must be an array of headlines"};
        std::size_t i = 0;
        for (simdjson::dom::element e : array) {
            std::string_view title;
            if (e.get_string().get(title))
                throw RequestError{400, "\"instances\"[" + std::to_string(i) + "] must be a string, not " + simdjson::minify(e)};
            batch.titles.emplace_back(title);
            ++i;
        }
    } else {
        throw RequestError{400, "the JSON body has neither \"input\" nor \"instances\": send {\"input\": \"<headline>\"} "
                                "or {\"instances\": [\"<headline>\", ...], \"configuration\": {\"k\": 2}}"};
    }
    batch.ids.resize(batch.titles.size());
    return batch;
}

Batch parse_jsonlines(std::string_view body) {
    Batch batch;
    RecordReadOptions options;
    options.allow_empty_title = true;
    for_each_line(body, [&](std::string_view line, std::size_t number) {
        if (trim(line).empty()) return;  // not a record
        NewsRecord r;
        try {
            r = parse_record_line(line, RecordFormat::jsonl, "request body", number, options);
        } catch (const Error& e) {
            throw RequestError{400, e.what()};
        }
        batch.titles.push_back(std::move(r.title));
        batch.ids.push_back(r.id.empty() ? std::nullopt : std::optional<std::string>(std::move(r.id)));
    });
    return batch;
}

// One headline a line; a CSV line whose first field is quoted gives that field ("" is a quote).
// A line that is not UTF-8 is refused, as JSON bodies and the tools' inputs are.
Batch parse_lines(std::string_view body, bool csv) {
    Batch batch;
    for_each_line(body, [&](std::string_view line, std::size_t number) {
        if (std::size_t bad = find_invalid_utf8(line); bad != std::string_view::npos)
            throw RequestError{400, "request body:" + std::to_string(number) + ": invalid UTF-8 at byte " +
                                        std::to_string(bad + 1) + " of the line; send the headlines in UTF-8"};
        if (csv && !line.empty() && line.front() == '"') {
            std::string field;
            std::size_t i = 1;
            for (;; ++i) {
                if (i >= line.size())
                    throw RequestError{400, "request body:" + std::to_string(number) + ": unterminated quoted CSV field"};
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        ++i;
                    } else {
                        break;
                    }
                } else {
                    field += line[i];
                }
            }
            batch.titles.push_back(std::move(field));
        } else {
            batch.titles.emplace_back(line);
        }
    });
    batch.ids.resize(batch.titles.size());
    return batch;
}

Batch parse_batch(std::string_view body, BodyType type) {
    switch (type) {
    case BodyType::json: return parse_json(body);
    case BodyType::jsonlines: return parse_jsonlines(body);
    case BodyType::csv: return parse_lines(body, true);
    case BodyType::text: return parse_lines(body, false);
    }
    return {};
}

// [{"label": ["__label__m", ...], "prob": [0.97, ...]}, ...]: BlazingText's answer, k labels each.
// With explanations, each object has its "explanation" last.
std::string blazingtext_json(const std::vector<Probabilities>& predictions, std::size_t k,
                             const std::vector<Explanation>* explanations) {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (std::size_t i = 0; i < predictions.size(); ++i) {
        const Probabilities& p = predictions[i];
        auto order = ranked_labels(p);
        w.begin_object().key("label").begin_array();
        for (std::size_t j = 0; j < k; ++j) w.value("__label__" + std::string(label_codes[order[j]]));
        w.end_array().key("prob").begin_array();
        for (std::size_t j = 0; j < k; ++j) w.value(p[order[j]]);
        w.end_array();
        if (explanations) write_explanation_json(w.key("explanation"), (*explanations)[i]);
        w.end_object();
    }
    w.end_array();
    return out;
}

// explanations: null, or one a headline.
HttpResponse answer(const Batch& batch, const std::vector<Probabilities>& predictions, AnswerType type,
                    const std::vector<Explanation>* explanations) {
    HttpResponse r;
    switch (type) {
    case AnswerType::json:
        r.content_type = "application/json";
        if (batch.single_input) {
            // Byte for byte the workshop's json.dumps.
            JsonWriter w(r.body, JsonWriter::Style::python);
            w.begin_object().member("result", label_names[best_label(predictions[0])]);
            if (explanations) write_explanation_json(w.key("explanation"), (*explanations)[0]);
            w.end_object();
        } else {
            r.body = blazingtext_json(predictions, batch.k.value_or(1), explanations);
        }
        break;
    case AnswerType::jsonlines: {
        r.content_type = "application/jsonlines";
        PredictionFormat format{batch.k.value_or(label_count)};
        append_prediction_lines(r.body, batch, predictions, format, explanations);
        break;
    }
    case AnswerType::csv:
        r.content_type = "text/csv";
        for (const auto& p : predictions) {
            auto order = ranked_labels(p);
            for (std::size_t j = 0; j < batch.k.value_or(1); ++j) {
                if (j) r.body += ',';
                r.body += label_codes[order[j]];
                r.body += ',';
                r.body += json_float(p[order[j]]);
            }
            r.body += '\n';
        }
        break;
    }
    return r;
}

std::string execution_parameters_json(const InvocationSettings& s) {
    std::string out;
    JsonWriter(out)
        .begin_object()
        .member("MaxConcurrentTransforms", s.max_concurrent_transforms)
        .member("BatchStrategy", "MULTI_RECORD")
        .member("MaxPayloadInMB", s.max_payload_bytes / (1024 * 1024))
        .end_object();
    return out;
}

HttpResponse wrong_method(std::string_view method, std::string_view path, std::string allow) {
    HttpResponse r = error_response(405, std::string(method) + " is not allowed on " + std::string(path) + "; use " + allow);
    r.allow = std::move(allow);
    return r;
}

}  // namespace

InvocationHandler::InvocationHandler(InvocationSettings settings) : settings_(settings) {}

HttpResponse InvocationHandler::handle(const HttpRequest& request) const {
    const std::string_view path = request.target.substr(0, request.target.find('?'));
    const Classifier* classifier = classifier_.load(std::memory_order_acquire);
    if (path == "/ping") {
        if (request.method != "GET" && request.method != "HEAD") return wrong_method(request.method, path, "GET");
        if (!classifier) return error_response(503, "the model is loading");
        return HttpResponse{};
    }
    if (path == "/execution-parameters") {
        if (request.method != "GET") return wrong_method(request.method, path, "GET");
        HttpResponse r;
        r.content_type = "application/json";
        r.body = execution_parameters_json(settings_);
        return r;
    }
    if (path == "/invocations") {
        if (request.method != "POST") return wrong_method(request.method, path, "POST");
        if (!classifier) return error_response(503, "the model is loading");
        try {
            return invocations(request, *classifier);
        } catch (const RequestError& e) {
            return error_response(e.status, e.message);
        }
    }
    return error_response(404, "no such path: " + std::string(path) + "; the paths are /ping, /invocations and /execution-parameters");
}

HttpResponse InvocationHandler::invocations(const HttpRequest& request, const Classifier& classifier) const {
    if (request.body.size() > settings_.max_payload_bytes) return payload_too_large(settings_.max_payload_bytes);
    const BodyType type = body_type(request.content_type);
    const AnswerType answer_as = answer_type(request.accept, type);
    if (request.body.empty()) throw RequestError{400, "empty body: send the headlines to classify"};
    Batch batch = parse_batch(request.body, type);
    if (batch.titles.empty()) throw RequestError{400, "no headlines in the body"};
    if (!batch.explain) return answer(batch, classify_batch(classifier, batch), answer_as, nullptr);
    if (answer_as == AnswerType::csv)
        throw RequestError{406, "explanations are answered in JSON: Accept application/json or application/jsonlines"};
    const std::vector<Explanation> explanations = explain_batch(classifier, batch);
    return answer(batch, classify_batch(classifier, batch), answer_as, &explanations);
}

}  // namespace newsclf
