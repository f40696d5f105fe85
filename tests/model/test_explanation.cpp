// Explanations: the linear and bag models' logits split exactly into their features' shares (the
// shares plus the bias give the network's own logit), occlusion's drops for the other models,
// and the JSON of both.
#include <doctest/doctest.h>

#include <simdjson.h>

#include <algorithm>
#include <cmath>

#include "newsclf/archs/architecture.hpp"
#include "newsclf/archs/bag.hpp"
#include "newsclf/archs/linear.hpp"
#include "newsclf/model/explanation.hpp"
#include "newsclf/model/prediction.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

const std::vector<std::string> words = {"weight", "loss", "exercise", "apple", "iphone", "fed", "rates", "kim"};

// with_vectors: a linear model with word vectors.
Model model_of(const Settings& settings, bool with_vectors = false) {
    Model m;
    m.options = fit_options(settings);
    m.vocabulary = Vocabulary(words);
    m.max_words = 0;
    // A frozen embedding: the input of mlp, cnn and lstm, a linear model's word vectors.
    if ((m.options.arch != "linear" && m.options.arch != "bag") || with_vectors) {
        m.embedding = Matrix::from_shape({words.size() + 1, 3});
        for (std::size_t i = 3; i < m.embedding.size(); ++i) m.embedding.data()[i] = std::cos(static_cast<float>(i));
    }
    auto network = architecture(m.options.arch).network(m);
    m.parameters.resize(network->parameter_count());
    for (std::size_t i = 0; i < m.parameters.size(); ++i)
        m.parameters[i] = std::sin(static_cast<float>(i) * 0.37f + 0.1f) * (i % 3 == 0 ? 2.0f : 0.5f);
    return m;
}

double weight_sum(const Explanation& e) {
    double s = 0;
    for (const auto& c : e.contributions) s += c.weight;
    return s;
}

void check_ranked(const Explanation& e) {
    for (std::size_t i = 1; i < e.contributions.size(); ++i)
        CHECK(std::fabs(e.contributions[i - 1].weight) >= std::fabs(e.contributions[i].weight));
}

bool has_text(const Explanation& e, const std::string& text) {
    return std::any_of(e.contributions.begin(), e.contributions.end(), [&](const Contribution& c) { return c.text == text; });
}

const std::vector<std::string> titles = {"Why exercise alone may not be the key to weight loss", "Weight loss, weight loss",
                                         "Apple unveils iPhone", "nothing known here", "Fed rates: Kim and Apple"};

}  // namespace

TEST_CASE("linear: the features' shares plus the bias are the logit, temperature times the decision value") {
    bool with_vectors = false;
    SUBCASE("TF-IDF features") {}
    SUBCASE("and word vectors, their shares added to the words'") { with_vectors = true; }
    Model m = model_of({{"arch", "linear"}, {"buckets", "5"}, {"ngrams", "2"}, {"vector_weight", "0.8"}}, with_vectors);
    auto& params = m.parameters;
    const LinearNetwork probe(LinearShape{words.size(), 2, 5, 4});
    params[probe.temperature_offset()] = 1.6f;
    for (std::size_t j = 0; j < probe.features(); ++j) params[probe.idf_offset() + j] = j == 0 ? 0.0f : 1.0f + 0.1f * static_cast<float>(j);
    const Classifier classifier(std::move(m));
    const auto& network = dynamic_cast<const LinearNetwork&>(classifier.network());
    CHECK(network.vector_dim() == (with_vectors ? 3 : 0));
    for (const std::string& title : titles) {
        CAPTURE(title);
        const Explanation e = explain(classifier, title);
        CHECK(e.method == Explanation::Method::exact);
        const Probabilities p = classifier.classify(title);
        CHECK(e.label == best_label(p));
        const auto ids = classifier.encode(title);
        std::vector<float> z(4);
        network.decision_values(classifier.model().parameters.data(), {{ids.data(), ids.size()}}, z.data());
        CHECK(e.bias + weight_sum(e) == doctest::Approx(e.logit).epsilon(1e-12));
        CHECK(e.logit == doctest::Approx(1.6 * z[e.label]).epsilon(1e-5));
        CHECK(e.bias == doctest::Approx(1.6 * classifier.model().parameters[network.bias_offset() + e.label]));
        check_ranked(e);
        if (ids.empty()) CHECK(e.contributions.empty());
    }
    const Explanation e = explain(classifier, titles[0]);
    CHECK(has_text(e, "weight"));
    CHECK(has_text(e, "weight loss"));  // a hashed bigram, named by its words
    CHECK(has_text(e, "exercise"));
    CHECK_FALSE(has_text(e, "why"));   // not in the vocabulary
    // A word twice is one feature of count 2, named once.
    const Explanation twice = explain(classifier, titles[1]);
    CHECK(std::count_if(twice.contributions.begin(), twice.contributions.end(),
                        [](const Contribution& c) { return c.text == "weight"; }) == 1);
}

TEST_CASE("bag: each row's product with the class's output column over the row count, plus the bias, is the logit") {
    const Classifier classifier(model_of({{"arch", "bag"}, {"dim", "3"}, {"buckets", "13"}, {"ngram_dim", "2"}, {"ngrams", "3"}}));
    const auto& network = dynamic_cast<const BagNetwork&>(classifier.network());
    const float* params = classifier.model().parameters.data();
    const EmbeddingBag& bag = network.bag();
    for (const std::string& title : titles) {
        CAPTURE(title);
        const Explanation e = explain(classifier, title);
        CHECK(e.method == Explanation::Method::exact);
        const Probabilities p = classifier.classify(title);
        REQUIRE(e.label == best_label(p));
        // The logits from the mean, as the network computes them; their softmax its probabilities.
        const auto ids = classifier.encode(title);
        EmbeddingBag::Selection rows;
        bag.select({ids.data(), ids.size()}, rows);
        std::vector<float> mean(bag.width());
        bag.mean(params, rows, mean.data());
        const float* kernel = params + network.output_offset();
        double logits[4], total = 0;
        for (std::size_t c = 0; c < 4; ++c) {
            logits[c] = kernel[bag.width() * 4 + c];
            for (std::size_t d = 0; d < bag.width(); ++d) logits[c] += static_cast<double>(mean[d]) * kernel[d * 4 + c];
            total += std::exp(logits[c]);
        }
        for (std::size_t c = 0; c < 4; ++c) CHECK(p[c] == doctest::Approx(std::exp(logits[c]) / total).epsilon(1e-5));
        CHECK(e.bias + weight_sum(e) == doctest::Approx(e.logit).epsilon(1e-12));
        CHECK(e.logit == doctest::Approx(logits[e.label]).epsilon(1e-5));
        check_ranked(e);
    }
    const Explanation e = explain(classifier, "Apple unveils iPhone");
    CHECK(has_text(e, "apple"));
    CHECK(has_text(e, "<s> apple"));
    CHECK(has_text(e, "apple iphone"));
    CHECK(has_text(e, "iphone </s>"));
    CHECK(has_text(e, "<s> apple iphone"));
}

TEST_CASE("occlusion: the drop of the class's probability with each word left out, for the other models") {
    const std::vector<Settings> models = {{{"arch", "bag"}, {"dim", "3"}, {"bag_hidden", "2"}, {"ngrams", "1"}},
                                          {{"arch", "lstm"}, {"max_len", "6"}},
                                          {{"arch", "mlp"}, {"max_len", "6"}, {"hidden_units", "3"}}};
    for (const Settings& settings : models) {
        CAPTURE(settings[0].second);
        const Classifier classifier(model_of(settings));
        const Explanation e = explain(classifier, "apple iphone fed apple kim");
        CHECK(e.method == Explanation::Method::occlusion);
        const Probabilities p = classifier.classify("apple iphone fed apple kim");
        CHECK(e.label == best_label(p));
        CHECK(e.probability == doctest::Approx(p[e.label]));
        REQUIRE(e.contributions.size() == 4);  // each distinct word once
        const std::vector<std::pair<std::string, std::string>> without = {
            {"apple", "iphone fed kim"}, {"iphone", "apple fed apple kim"}, {"fed", "apple iphone apple kim"}, {"kim", "apple iphone fed apple"}};
        for (const auto& [word, rest] : without) {
            auto it = std::find_if(e.contributions.begin(), e.contributions.end(), [&](const Contribution& c) { return c.text == word; });
            REQUIRE(it != e.contributions.end());
            CHECK(it->weight == doctest::Approx(p[e.label] - classifier.classify(rest)[e.label]).epsilon(1e-6));
        }
        check_ranked(e);
        CHECK(explain(classifier, "").contributions.empty());
    }
}

TEST_CASE("the explanation's JSON, last in a prediction line; without one the line is unchanged") {
    const Classifier classifier(model_of({{"arch", "linear"}, {"buckets", "5"}}));
    const std::string title = "Apple unveils iPhone";
    const Probabilities p = classifier.classify(title);
    const Explanation e = explain(classifier, title);
    std::string plain, line;
    append_prediction_json(plain, p, PredictionFormat{});
    append_prediction_json(line, p, PredictionFormat{}, nullptr, &e);
    REQUIRE(line.size() > plain.size());
    CHECK(line.compare(0, plain.size() - 1, plain, 0, plain.size() - 1) == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(line);
    simdjson::dom::element x = doc["explanation"];
    CHECK(std::string_view(x["method"]) == "exact");
    CHECK(std::string_view(x["class"]) == label_codes[best_label(p)]);
    CHECK(std::string_view(x["space"]) == "logit");
    double sum = double(x["bias"]);
    for (simdjson::dom::element c : simdjson::dom::array(x["contributions"])) sum += double(c["weight"]);
    CHECK(sum == doctest::Approx(double(x["logit"])).epsilon(1e-5));

    Explanation o;
    o.method = Explanation::Method::occlusion;
    o.label = 3;
    o.probability = 0.5;
    o.contributions = {{"weight", 0.25}, {"loss", -0.125}};
    std::string out;
    JsonWriter w(out);
    write_explanation_json(w, o);
    CHECK(out == "{\"method\":\"occlusion\",\"class\":\"m\",\"space\":\"probability\",\"probability\":0.5,"
                 "\"contributions\":[{\"text\":\"weight\",\"weight\":0.25},{\"text\":\"loss\",\"weight\":-0.125}]}");
}
