// Unit tests of sagemaker_config.hpp: hyperparameters.json, inputdataconfig.json and
// resourceconfig.json from their bytes, and the sorting of SageMaker's own hyperparameters.
#include "newsclf/sagemaker/config.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {
const std::string hp = "/opt/ml/input/config/hyperparameters.json";
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

TEST_CASE("hyperparameters: string values in the file's order") {
    auto h = parse_hyperparameters(R"({"epochs": "2", "batch_size": "32", "arch": "mlp"})", hp);
    CHECK(h == Hyperparameters{{"epochs", "2"}, {"batch_size", "32"}, {"arch", "mlp"}});
    CHECK(parse_hyperparameters("{}", hp).empty());
    CHECK(parse_hyperparameters(" {\n} \n", hp).empty());
}

TEST_CASE("hyperparameters: numbers and booleans as their JSON text") {
    auto h = parse_hyperparameters(R"({"epochs": 2, "learning_rate": 0.001, "seed": 18446744073709551615,
                                       "offset": -3, "big": 1e300, "flag": true, "other": false, "half": 2.0})",
                                   hp);
    CHECK(h == Hyperparameters{{"epochs", "2"},
                               {"learning_rate", "0.001"},
                               {"seed", "18446744073709551615"},
                               {"offset", "-3"},
                               {"big", "1e+300"},
                               {"flag", "true"},
                               {"other", "false"},
                               {"half", "2"}});
}

TEST_CASE("hyperparameters: a JSON-encoded string value is decoded, as the SDK's framework estimators send them") {
    auto h = parse_hyperparameters(R"({"optimizer": "\"adam\"", "sagemaker_program": "\"train.sh\"",
                                       "quote": "\"", "odd": "\"a\" \"b\"", "empty": "", "escaped": "\"tab\\tx\""})",
                                   hp);
    CHECK(h == Hyperparameters{{"optimizer", "adam"},
                               {"sagemaker_program", "train.sh"},
                               {"quote", "\""},
                               {"odd", "\"a\" \"b\""},
                               {"empty", ""},
                               {"escaped", "tab\tx"}});
}

TEST_CASE("hyperparameters: errors name the file and the key") {
    auto bad = [](const std::string& json) { return message_of<UsageError>([&] { parse_hyperparameters(json, hp); }); };
    CHECK(bad(R"({"epochs": null})") == hp + R"(: hyperparameter "epochs": the value null is not a string (nor a number or boolean))");
    CHECK(starts_with(bad(R"({"epochs": ["2"]})"), hp + ": hyperparameter \"epochs\": the value [\"2\"] is not a string"));
    CHECK(starts_with(bad(R"({"a": {"b": 1}})"), hp + ": hyperparameter \"a\""));
    CHECK(bad(R"({"epochs": "2", "epochs": "3"})") == hp + ": hyperparameter \"epochs\" is given twice");
    CHECK(starts_with(bad(R"(["epochs"])"), hp + ": not a JSON object such as {\"epochs\": \"2\"}"));
    CHECK(starts_with(bad(R"({"epochs": "2")"), hp + ": not valid JSON"));
    CHECK(starts_with(bad(""), hp + ": not valid JSON"));
    CHECK(starts_with(bad("\xff\xfe"), hp + ": not valid JSON"));
}

TEST_CASE("inputdataconfig: channels with their input mode and content type") {
    const std::string src = "inputdataconfig.json";
    auto c = parse_input_data_config(R"({"training": {"ContentType": "text/csv", "TrainingInputMode": "File",
        "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"},
        "validation": {"TrainingInputMode": "Pipe"}, "code": {}})",
                                     src);
    REQUIRE(c.size() == 3);
    CHECK(c[0].name == "training");
    CHECK(c[0].input_mode == "File");
    CHECK(c[0].content_type == "text/csv");
    CHECK(c[1].name == "validation");
    CHECK(c[1].input_mode == "Pipe");
    CHECK(c[2].name == "code");
    CHECK(c[2].input_mode == "File");  // SageMaker's default
    CHECK(parse_input_data_config("{}", src).empty());

    auto bad = [&](const std::string& json) { return message_of<UsageError>([&] { parse_input_data_config(json, src); }); };
    CHECK(bad(R"({"training": "File"})") ==
          src + ": channel \"training\": not a JSON object such as {\"TrainingInputMode\": \"File\"}");
    CHECK(bad(R"({"training": {"TrainingInputMode": 1}})") == src + ": channel \"training\": TrainingInputMode is not a string");
    CHECK(bad(R"({"../etc": {}})") == src + ": channel \"../etc\": not a channel name (a directory under input/data)");
    CHECK(bad(R"({"": {}})") == src + ": channel \"\": not a channel name (a directory under input/data)");
    CHECK(bad(R"({"a": {}, "a": {}})") == src + ": channel \"a\": given twice");
    CHECK(starts_with(bad("[]"), src + ": not a JSON object"));
}

TEST_CASE("resourceconfig: the current host and the hosts, one host by default") {
    const std::string src = "resourceconfig.json";
    ResourceConfig defaults;
    CHECK(defaults.current_host == "algo-1");
    CHECK(defaults.hosts == std::vector<std::string>{"algo-1"});
    auto r = parse_resource_config(R"({"current_host": "algo-2", "hosts": ["algo-1", "algo-2"],
        "network_interface_name": "eth0", "current_instance_type": "ml.m5.xlarge"})",
                                   src);
    CHECK(r.current_host == "algo-2");
    CHECK(r.hosts == std::vector<std::string>{"algo-1", "algo-2"});
    CHECK(parse_resource_config("{}", src).hosts == std::vector<std::string>{"algo-1"});

    auto bad = [&](const std::string& json) { return message_of<UsageError>([&] { parse_resource_config(json, src); }); };
    CHECK(bad(R"({"current_host": 1})") == src + ": current_host is not a host name");
    CHECK(bad(R"({"hosts": "algo-1"})") == src + ": hosts is not an array of host names");
    CHECK(bad(R"({"hosts": ["algo-1", 2]})") == src + ": hosts: entry 2 is not a host name");
    CHECK(bad(R"({"hosts": []})") == src + ": hosts is empty");
    CHECK(bad(R"({"current_host": "algo-3", "hosts": ["algo-1"]})") == src + ": current_host \"algo-3\" is not one of hosts");
}

TEST_CASE("sort_hyperparameters: sagemaker_program apart, SageMaker's own ignored, the rest in order") {
    auto s = sort_hyperparameters({{"epochs", "2"},
                                   {"sagemaker_program", "train.sh"},
                                   {"sagemaker_submit_directory", "s3://bucket/code.tar.gz"},
                                   {"_tuning_objective_metric", "validation:accuracy"},
                                   {"batch_size", "64"},
                                   {"sagemaker_region", "eu-west-1"}});
    CHECK(s.user == Hyperparameters{{"epochs", "2"}, {"batch_size", "64"}});
    REQUIRE(s.program);
    CHECK(*s.program == "train.sh");
    CHECK(s.ignored.size() == 3);
    CHECK_FALSE(sort_hyperparameters({{"epochs", "2"}}).program);
}
