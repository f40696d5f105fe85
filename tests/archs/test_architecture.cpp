// The architecture table: its names and defaults, the options it makes from settings, the checks
// of arch and member names, and the rounding of a model's f16 blocks.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "newsclf/archs/architecture.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"

#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

TEST_CASE("the table: six archs, each named once, with help, and defaults that are hyperparameters") {
    std::set<std::string> names;
    for (const auto& a : architectures()) {
        CHECK(names.insert(a.name).second);
        CHECK(!a.help.empty());
        CHECK(a.network);
        CHECK(a.train);
        FitOptions o;
        for (const auto& [name, value] : a.defaults) CHECK_NOTHROW(set_hyperparameter(o, name, value));
    }
    CHECK(names == std::set<std::string>{"mlp", "linear", "bag", "cnn", "lstm", "ensemble"});
    CHECK(&architecture("cnn") == &architectures()[3]);
}

TEST_CASE("an unknown arch is a UsageError that lists the choices") {
    const std::string message = message_of<UsageError>([] { architecture("svm"); });
    CHECK(contains(message, "\"svm\""));
    for (const auto& a : architectures()) CHECK(contains(message, a.name));
    CHECK_THROWS_AS(fit_options({{"arch", "svm"}}), UsageError);
}

TEST_CASE("fit_options: the table's defaults, then the arch's, then the settings in order") {
    const FitOptions mlp = fit_options({});
    CHECK(mlp.arch == "mlp");
    CHECK(mlp.epochs == FitOptions{}.epochs);

    const FitOptions linear = fit_options({{"arch", "linear"}});
    CHECK(linear.c == 0.7);
    CHECK(linear.epochs == 1000);
    CHECK(linear.validation_split == 0.0);

    // The arch named last wins, wherever it stands; later settings override earlier ones.
    const FitOptions given = fit_options({{"epochs", "3"}, {"arch", "linear"}, {"c", "2"}, {"c", "3"}});
    CHECK(given.arch == "linear");
    CHECK(given.epochs == 3);
    CHECK(given.c == 3.0);
}

TEST_CASE("a preset's settings come over the arch's defaults and under the settings given, in any order") {
    const FitOptions w85 = fit_options({{"preset", "workshop-85"}});
    CHECK(w85.arch == "mlp");
    CHECK(w85.hidden_units == 32);
    CHECK(w85.hidden_layers == 2);
    CHECK(w85.preset == "workshop-85");
    CHECK(fit_options({{"hidden_units", "8"}, {"preset", "workshop-85"}}).hidden_units == 8);
    CHECK(fit_options({{"preset", "workshop-85"}, {"hidden_units", "8"}}).hidden_units == 8);
    const FitOptions workshop = fit_options({{"preset", "workshop"}});
    CHECK(workshop.hidden_units == FitOptions().hidden_units);
    CHECK(workshop.hidden_layers == FitOptions().hidden_layers);
    CHECK(fit_options({{"preset", "none"}, {"arch", "linear"}}).arch == "linear");
    CHECK_THROWS_WITH_AS(fit_options({{"preset", "workshop-86"}}),
                         "preset: \"workshop-86\" is not one of none, workshop, workshop-85", UsageError);
}

TEST_CASE("ensemble members must be archs of the table, and not ensembles") {
    CHECK(fit_options({{"arch", "ensemble"}, {"members", "linear,bag"}}).members == "linear,bag");
    CHECK(contains(message_of<UsageError>([] { fit_options({{"arch", "ensemble"}, {"members", "linear,svm"}}); }), "svm"));
    CHECK(contains(message_of<UsageError>([] { fit_options({{"arch", "ensemble"}, {"members", "ensemble"}}); }),
                   "ensemble"));
}

TEST_CASE("round_to_storage rounds the blocks kept as f16 and leaves the others") {
    // linear keeps its weights and idf as f16, its temperature and biases as f32.
    const Architecture& arch = architecture("linear");
    Model m;
    m.options = fit_options({{"arch", "linear"}, {"buckets", "16"}});
    m.vocabulary = Vocabulary({"a", "b", "c"});
    m.max_words = 4;
    auto network = arch.network(m);
    PythonRandom rng(3);
    m.parameters = uniform_vector(rng, network->parameter_count());
    const std::vector<float> before = m.parameters;
    round_to_storage(m);
    bool some_f16 = false, some_f32 = false;
    for (const auto& b : network->parameter_blocks())
        for (std::size_t i = b.offset; i < b.offset + b.size(); ++i) {
            if (b.storage == Storage::f16) {
                some_f16 = true;
                CHECK(m.parameters[i] == round_to_half(before[i]));
            } else {
                some_f32 = true;
                CHECK(m.parameters[i] == before[i]);
            }
        }
    CHECK(some_f16);
    CHECK(some_f32);
    CHECK(m.parameters != before);
}

TEST_CASE("check_training_memory refuses a fit far beyond memory, naming the hyperparameter, and passes the defaults") {
    const auto model_of = [](const Settings& settings) {
        Model m;
        m.options = fit_options(settings);
        m.vocabulary = Vocabulary({"stocks", "rally", "fed"});
        m.embedding = Matrix::from_shape({4, 100});
        return m;
    };
    for (const auto& arch : {"mlp", "linear", "bag", "cnn", "lstm", "ensemble"}) {
        CAPTURE(arch);
        CHECK_NOTHROW(check_training_memory(model_of({{"arch", arch}})));
    }
    const auto message = [&](const Settings& settings) {
        return message_of<UsageError>([&] { check_training_memory(model_of(settings)); });
    };
    CHECK(contains(message({{"arch", "mlp"}, {"hidden_units", "1000000"}}), "hidden_units (--hidden-units) 1000000: this mlp fit would need about"));
    CHECK(contains(message({{"arch", "mlp"}, {"max_len", "1000000000"}}), "max_len (--max-len) 1000000000:"));
    CHECK(contains(message({{"arch", "cnn"}, {"filters", "1000000000"}, {"max_len", "120"}}), "filters (--filters) 1000000000:"));
    CHECK(contains(message({{"arch", "lstm"}, {"hidden_units", "1000000"}}), "TB of memory, more than the"));
}
