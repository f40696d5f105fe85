#include "newsclf/sagemaker/config.hpp"

#include <simdjson.h>

#include <algorithm>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"

namespace newsclf {

namespace {

simdjson::dom::object parse_object(simdjson::dom::parser& parser, std::string_view json, const std::string& source,
                                   const char* example) {
    simdjson::dom::element doc;
    if (auto error = parser.parse(json.data(), json.size(), true).get(doc))
        throw UsageError(where(source) + "not valid JSON (" + simdjson::error_message(error) + ")");
    simdjson::dom::object object;
    if (doc.get_object().get(object)) throw UsageError(where(source) + "not a JSON object such as " + example);
    return object;
}

// "\"adam\"" -> "adam": a value that is a JSON string literal itself; anything else unchanged.
std::string decode_string_literal(std::string_view value) {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::string(value);
    simdjson::dom::parser parser;
    std::string_view decoded;
    if (parser.parse(value.data(), value.size(), true).get_string().get(decoded)) return std::string(value);
    return std::string(decoded);
}


}  // namespace

Hyperparameters parse_hyperparameters(std::string_view json, const std::string& source) {
    simdjson::dom::parser parser;
    auto object = parse_object(parser, json, source, "{\"epochs\": \"2\"}");
    Hyperparameters out;
    for (auto [key, value] : object) {
        const std::string name(key);
        for (const auto& [seen, unused] : out)
            if (seen == name) throw UsageError(where(source) + "hyperparameter " + json_string(name) + " is given twice");
        std::string text;
        switch (value.type()) {
        case simdjson::dom::element_type::STRING: text = decode_string_literal(value.get_string().value_unsafe()); break;
        case simdjson::dom::element_type::INT64: text = std::to_string(value.get_int64().value_unsafe()); break;
        case simdjson::dom::element_type::UINT64: text = std::to_string(value.get_uint64().value_unsafe()); break;
        case simdjson::dom::element_type::DOUBLE: text = json_number(value.get_double().value_unsafe()); break;
        case simdjson::dom::element_type::BOOL: text = value.get_bool().value_unsafe() ? "true" : "false"; break;
        default:
            throw UsageError(where(source) + "hyperparameter " + json_string(name) + ": the value " + simdjson::minify(value) +
                             " is not a string (nor a number or boolean)");
        }
        out.emplace_back(name, std::move(text));
    }
    return out;
}

std::vector<ChannelConfig> parse_input_data_config(std::string_view json, const std::string& source) {
    simdjson::dom::parser parser;
    auto object = parse_object(parser, json, source, "{\"training\": {\"TrainingInputMode\": \"File\"}}");
    std::vector<ChannelConfig> out;
    for (auto [key, value] : object) {
        ChannelConfig channel;
        channel.name = std::string(key);
        const std::string at = where(source) + "channel " + json_string(channel.name) + ": ";
        if (channel.name.empty() || channel.name.find('/') != std::string::npos || channel.name == "." ||
            channel.name == "..")
            throw UsageError(at + "not a channel name (a directory under input/data)");
        for (const auto& c : out)
            if (c.name == channel.name) throw UsageError(at + "given twice");
        simdjson::dom::object fields;
        if (value.get_object().get(fields)) throw UsageError(at + "not a JSON object such as {\"TrainingInputMode\": \"File\"}");
        for (auto [field, field_value] : fields) {
            std::string* target = field == "TrainingInputMode" ? &channel.input_mode
                                  : field == "ContentType"     ? &channel.content_type
                                                               : nullptr;
            if (!target) continue;
            std::string_view text;
            if (field_value.get_string().get(text))
                throw UsageError(at + std::string(field) + " is not a string");
            *target = std::string(text);
        }
        out.push_back(std::move(channel));
    }
    return out;
}

ResourceConfig parse_resource_config(std::string_view json, const std::string& source) {
    simdjson::dom::parser parser;
    auto object = parse_object(parser, json, source, "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
    ResourceConfig out;
    for (auto [key, value] : object) {
        if (key == "current_host") {
            std::string_view host;
            if (value.get_string().get(host) || host.empty())
                throw UsageError(where(source) + "current_host is not a host name");
            out.current_host = std::string(host);
        } else if (key == "hosts") {
            simdjson::dom::array hosts;
            if (value.get_array().get(hosts)) throw UsageError(where(source) + "hosts is not an array of host names");
            out.hosts.clear();
            for (auto h : hosts) {
                std::string_view host;
                if (h.get_string().get(host) || host.empty())
                    throw UsageError(where(source) + "hosts: entry " + std::to_string(out.hosts.size() + 1) +
                                     " is not a host name");
                out.hosts.emplace_back(host);
            }
            if (out.hosts.empty()) throw UsageError(where(source) + "hosts is empty");
        }
    }
    if (std::find(out.hosts.begin(), out.hosts.end(), out.current_host) == out.hosts.end())
        throw UsageError(where(source) + "current_host " + json_string(out.current_host) + " is not one of hosts");
    return out;
}

JobHyperparameters sort_hyperparameters(const Hyperparameters& all) {
    JobHyperparameters out;
    for (const auto& [name, value] : all) {
        if (name == "sagemaker_program")
            out.program = value;
        else if (name.rfind("sagemaker_", 0) == 0 || name == "_tuning_objective_metric")
            out.ignored.emplace_back(name, value);
        else
            out.user.emplace_back(name, value);
    }
    return out;
}

}  // namespace newsclf
