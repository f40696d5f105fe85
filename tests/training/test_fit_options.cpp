// The hyperparameter table: names, defaults, parsing, refusals, the JSON of SageMaker's form.
#include <doctest/doctest.h>

#include <set>
#include <simdjson.h>

#include "newsclf/base/error.hpp"
#include "newsclf/training/fit_options.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("every hyperparameter has a snake_case name, help, a type and its default as text") {
    std::set<std::string> names;
    const FitOptions defaults;
    for (const auto& h : hyperparameters()) {
        CHECK(h.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") == std::string::npos);
        CHECK_FALSE(h.help.empty());
        CHECK_FALSE(h.type.empty());
        CHECK(names.insert(h.name).second);
        FitOptions o;
        h.set(o, h.get(defaults));  // the default text parses back to itself
        CHECK(h.get(o) == h.get(defaults));
    }
    for (const char* name : {"arch", "epochs", "batch_size", "max_len", "hidden_units", "hidden_layers", "optimizer",
                             "learning_rate", "rho", "epsilon", "validation_split", "split_by", "seed"})
        CHECK(names.count(name) == 1);
}

TEST_CASE("the defaults are the workshop's") {
    const FitOptions o;
    CHECK(o.arch == "mlp");
    CHECK(o.epochs == 2);
    CHECK(o.batch_size == 32);
    CHECK(o.max_len == 100);
    CHECK(o.hidden_units == 2);
    CHECK(o.hidden_layers == 1);
    CHECK(o.optimizer.name == "rmsprop");
    CHECK(o.optimizer.learning_rate == doctest::Approx(0.001));
    CHECK(o.optimizer.rho == doctest::Approx(0.9));
    CHECK(o.optimizer.epsilon == doctest::Approx(1e-7));
    CHECK(o.validation_split == doctest::Approx(0.2));
    CHECK(o.split_by == "row");
    CHECK(o.seed == 99);
}

TEST_CASE("values are set by name, as text") {
    FitOptions o;
    set_hyperparameter(o, "epochs", "10");
    set_hyperparameter(o, "learning_rate", "0.01");
    set_hyperparameter(o, "split_by", "story");
    set_hyperparameter(o, "optimizer", "adam");
    set_hyperparameter(o, "hidden_units", "32");
    CHECK(o.epochs == 10);
    CHECK(o.optimizer.learning_rate == doctest::Approx(0.01));
    CHECK(o.split_by == "story");
    CHECK(o.optimizer.name == "adam");
    CHECK(o.hidden_units == 32);
}

TEST_CASE("an unknown name or a bad value is a UsageError that names it") {
    FitOptions o;
    auto message = [&](const char* name, const char* value) {
        return message_of<UsageError>([&] { set_hyperparameter(o, name, value); });
    };
    CHECK(message("epoch", "2").find("unknown hyperparameter \"epoch\"") != std::string::npos);
    CHECK(message("epochs", "0").find("epochs") != std::string::npos);
    CHECK(message("epochs", "two").find("epochs: \"two\"") != std::string::npos);
    CHECK(message("epochs", "2x").find("epochs") != std::string::npos);
    CHECK(message("learning_rate", "-1").find("learning_rate") != std::string::npos);
    CHECK(message("learning_rate", "nan").find("learning_rate") != std::string::npos);
    CHECK(message("split_by", "foo").find("row, story") != std::string::npos);
    CHECK(message("validation_split", "1").find("validation_split") != std::string::npos);
    CHECK(o.epochs == 2);  // a refused value changes nothing
}

TEST_CASE("every number-valued hyperparameter refuses what is not a finite number of its kind") {
    for (const auto& h : hyperparameters()) {
        if (h.type != "FLOAT" && h.type != "INT") continue;
        CAPTURE(h.name);
        for (const char* value : {"nan", "NaN", "inf", "-inf", "1e400", "-1e400", "", " 1", "1 ", "0x10",
                                  "18446744073709551616"}) {
            CAPTURE(value);
            FitOptions o;
            CHECK(message_of<UsageError>([&] { set_hyperparameter(o, h.name, value); }).find(h.name) != std::string::npos);
        }
    }
}

TEST_CASE("hyperparameters_json holds every name with a string value") {
    FitOptions o;
    set_hyperparameter(o, "epochs", "7");
    set_hyperparameter(o, "scale_lr", "1");        // written only when not the default
    set_hyperparameter(o, "average_every", "1000");  // likewise
    set_hyperparameter(o, "calibrate", "none");      // likewise
    set_hyperparameter(o, "preset", "workshop-85");  // likewise
    set_hyperparameter(o, "vector_weight", "0.5");   // likewise
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    REQUIRE_FALSE(parser.parse(hyperparameters_json(o)).get_object().get(object));
    std::size_t count = 0;
    for (auto [key, value] : object) {
        ++count;
        CHECK(value.is_string());
    }
    CHECK(count == hyperparameters().size());
    CHECK(std::string_view(object["epochs"].get_string()) == "7");
    CHECK(std::string_view(object["scale_lr"].get_string()) == "1");
    CHECK(std::string_view(object["average_every"].get_string()) == "1000");
    CHECK(std::string_view(object["calibrate"].get_string()) == "none");
    CHECK(std::string_view(object["vector_weight"].get_string()) == "0.5");
    // At their defaults, the settings of mpirun stay out, so that the models trained without them
    // keep their bytes.
    set_hyperparameter(o, "scale_lr", "0");
    set_hyperparameter(o, "average_every", std::to_string(FitOptions().average_every));
    set_hyperparameter(o, "preset", "none");
    CHECK(hyperparameters_json(o).find("scale_lr") == std::string::npos);
    CHECK(hyperparameters_json(o).find("preset") == std::string::npos);
    CHECK(hyperparameters_json(o).find("average_every") == std::string::npos);
    set_hyperparameter(o, "calibrate", "temperature");
    CHECK(hyperparameters_json(o).find("calibrate") == std::string::npos);
}
