// A headline's explanation: the linear and bag models' class logits split into their features'
// shares, exactly; every other model's probability with each word left out.
#include "newsclf/model/explanation.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "newsclf/archs/bag.hpp"
#include "newsclf/archs/linear.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/nn/vector_direction.hpp"

namespace newsclf {

namespace {

// Contributions gathered by text, in the order their texts first come.
class Tally {
public:
    void add(const std::string& text, double weight) {
        auto [it, added] = index_.emplace(text, parts_.size());
        if (added) parts_.push_back({text, 0.0});
        parts_[it->second].weight += weight;
    }
    double sum() const {
        double s = 0;
        for (const auto& c : parts_) s += c.weight;
        return s;
    }
    std::vector<Contribution> ranked() && {
        std::stable_sort(parts_.begin(), parts_.end(),
                         [](const Contribution& a, const Contribution& b) { return std::fabs(a.weight) > std::fabs(b.weight); });
        return std::move(parts_);
    }

private:
    std::vector<Contribution> parts_;
    std::unordered_map<std::string, std::size_t> index_;
};

// The words of ids[first, first + length) joined by spaces.
std::string words_of(const Vocabulary& vocabulary, const std::vector<std::uint32_t>& ids, std::size_t first, std::size_t length) {
    std::string text;
    for (std::size_t i = first; i < first + length; ++i) {
        if (i > first) text += ' ';
        text += vocabulary.word(ids[i]);
    }
    return text;
}

// logit_c = T (sum_f v_f w_fc / |v| + b_c), as LinearNetwork::decision_values computes it: each
// feature's share is T v_f w_fc / |v|. A hashed n-gram is named by the words that make it in this
// headline (two that share a bucket here: both, joined by " | "). With word vectors the logit also
// holds T a (sum_i g_i) . u_c / |sum_i g_i| (a the vector weight, u_c the class's vector weights):
// each word's vector g_i adds T a g_i . u_c / |sum_i g_i| to that word's share.
void explain_linear(const LinearNetwork& network, const float* params, const Vocabulary& vocabulary,
                    const std::vector<std::uint32_t>& ids, Explanation& e) {
    const TokenSpan tokens{ids.data(), ids.size()};
    std::vector<std::uint32_t> scratch;
    std::vector<FeatureCount> counts;
    std::vector<FeatureSpan> spans;
    network.ngrams().count(tokens, scratch, counts);
    network.ngrams().spans(tokens, spans);
    const float* weights = params + network.weights_offset();
    const float* idf = params + network.idf_offset();
    const double temperature = params[network.temperature_offset()];
    const std::size_t classes = network.classes();
    std::vector<float> values(counts.size());
    float norm = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
        const float tf = sublinear_tf(counts[k].count);
        values[k] = tf * idf[counts[k].index];
        norm += values[k] * values[k];
    }
    const double scale = norm > 0 ? 1.0 / std::sqrt(static_cast<double>(norm)) : 0.0;
    // Each feature once, named by its occurrences, in the order of the headline.
    std::unordered_map<std::uint32_t, std::string> names;
    std::vector<std::uint32_t> order;
    for (const FeatureSpan& s : spans) {
        const std::string text = words_of(vocabulary, ids, s.start, s.length);
        auto [it, added] = names.emplace(s.index, text);
        if (added) {
            order.push_back(s.index);
        } else if (("| " + it->second + " |").find("| " + text + " |") == std::string::npos) {
            it->second += " | " + text;
        }
    }
    Tally tally;
    for (std::uint32_t index : order) {
        const auto k = static_cast<std::size_t>(
            std::lower_bound(counts.begin(), counts.end(), index, [](const FeatureCount& f, std::uint32_t i) { return f.index < i; }) -
            counts.begin());
        if (values[k] == 0) continue;  // a feature no training headline had: no part
        tally.add(names[index], temperature * values[k] * scale * weights[static_cast<std::size_t>(index) * classes + e.label]);
    }
    if (network.vector_dim() > 0) {
        const Matrix& vectors = *network.vectors();
        const std::size_t dim = network.vector_dim();
        std::vector<float> direction(dim);
        const double norm = vector_direction(tokens, vectors, direction.data());
        const float* u = params + network.vector_weights_offset();
        for (std::uint32_t id : ids) {
            if (norm == 0) break;  // no word has a vector
            if (id >= vectors.shape(0)) continue;
            double share = 0;
            for (std::size_t d = 0; d < dim; ++d) share += static_cast<double>(vectors(id, d)) * u[d * classes + e.label];
            if (share != 0) tally.add(vocabulary.word(id), temperature * network.vector_weight() * share / norm);
        }
    }
    e.bias = temperature * params[network.bias_offset() + e.label];
    e.logit = e.bias + tally.sum();
    e.contributions = std::move(tally).ranked();
}

// logit_c = mean . K_c + b_c, the mean that of the selected rows: each row's share is its product
// with the class's column of the output kernel K, over the number of rows.
void explain_bag(const BagNetwork& network, const float* params, const Vocabulary& vocabulary,
                 const std::vector<std::uint32_t>& ids, Explanation& e) {
    const EmbeddingBag& bag = network.bag();
    const TokenSpan tokens{ids.data(), ids.size()};
    EmbeddingBag::Selection rows;
    std::vector<EmbeddingBag::NgramSpan> spans;
    bag.select(tokens, rows);
    bag.ngram_spans(tokens, spans);
    const std::size_t classes = network.shape().classes, dim = bag.dim(), ngram_dim = bag.ngram_dim();
    const float* kernel = params + network.output_offset();
    Tally tally;
    const double count = static_cast<double>(rows.count());
    auto share = [&](const float* row, std::size_t width, std::size_t first_input) {
        double s = 0;
        for (std::size_t d = 0; d < width; ++d) s += static_cast<double>(row[d]) * kernel[(first_input + d) * classes + e.label];
        return s / count;
    };
    for (std::uint32_t id : rows.words) tally.add(vocabulary.word(id), share(params + static_cast<std::size_t>(id) * dim, dim, 0));
    for (std::size_t k = 0; k < rows.ngrams.size(); ++k) {
        std::string text;
        for (std::size_t i = spans[k].first; i <= spans[k].last; ++i) {
            if (i > spans[k].first) text += ' ';
            text += i == 0 ? "<s>" : i == ids.size() + 1 ? "</s>" : vocabulary.word(ids[i - 1]);
        }
        tally.add(text, share(params + bag.ngram_offset() + static_cast<std::size_t>(rows.ngrams[k]) * ngram_dim, ngram_dim, dim));
    }
    e.bias = kernel[bag.width() * classes + e.label];
    e.logit = e.bias + tally.sum();
    e.contributions = std::move(tally).ranked();
}

// The headline, then the headline without each of its distinct words, classified as one batch.
void explain_by_occlusion(const Classifier& classifier, const std::vector<std::uint32_t>& ids, Explanation& e) {
    std::vector<std::uint32_t> words;
    for (std::uint32_t id : ids)
        if (std::find(words.begin(), words.end(), id) == words.end()) words.push_back(id);
    std::vector<std::uint32_t> batch(ids);
    std::vector<std::size_t> ends{batch.size()};
    for (std::uint32_t left_out : words) {
        for (std::uint32_t id : ids)
            if (id != left_out) batch.push_back(id);
        ends.push_back(batch.size());
    }
    const std::vector<Probabilities> p = classifier.predict(batch, ends);
    e.label = best_label(p[0]);
    e.probability = p[0][e.label];
    Tally tally;
    for (std::size_t i = 0; i < words.size(); ++i)
        tally.add(classifier.model().vocabulary.word(words[i]), static_cast<double>(p[0][e.label]) - p[i + 1][e.label]);
    e.contributions = std::move(tally).ranked();
}

// The network of a model whose explanations are exact, or none of them.
struct ExactNetwork {
    const LinearNetwork* linear = nullptr;
    const BagNetwork* bag = nullptr;
};

ExactNetwork exact_network(const Classifier& classifier) {
    ExactNetwork n{dynamic_cast<const LinearNetwork*>(&classifier.uncalibrated_network()),
                   dynamic_cast<const BagNetwork*>(&classifier.uncalibrated_network())};
    if (n.bag && n.bag->shape().hidden > 0) n.bag = nullptr;  // behind a relu layer the logit is no sum over the rows
    return n;
}

// e.label's logit (before the model's temperature) split into the shares of the features of ids.
void explain_exactly(const ExactNetwork& n, const Classifier& classifier, const std::vector<std::uint32_t>& ids,
                     Explanation& e) {
    const float* params = classifier.model().parameters.data();
    if (n.linear) explain_linear(*n.linear, params, classifier.model().vocabulary, ids, e);
    else explain_bag(*n.bag, params, classifier.model().vocabulary, ids, e);
}

}  // namespace

Explanation explain(const Classifier& classifier, std::string_view title) {
    const std::vector<std::uint32_t> ids = classifier.encode(title);
    Explanation e;
    const ExactNetwork exact = exact_network(classifier);
    if (!exact.linear && !exact.bag) {
        e.method = Explanation::Method::occlusion;
        explain_by_occlusion(classifier, ids, e);
        return e;
    }
    e.method = Explanation::Method::exact;
    e.label = best_label(classifier.predict(ids, {ids.size()})[0]);
    explain_exactly(exact, classifier, ids, e);
    // The model's probabilities are the softmax of the network's logits times its temperature.
    const double t = classifier.model().temperature;
    e.logit *= t;
    e.bias *= t;
    for (Contribution& c : e.contributions) c.weight *= t;
    return e;
}

std::array<std::vector<Contribution>, label_count> strongest_words(const Classifier& classifier, std::size_t count) {
    std::array<std::vector<Contribution>, label_count> strongest;
    const ExactNetwork exact = exact_network(classifier);
    if (!exact.linear && !exact.bag) return strongest;
    const Vocabulary& vocabulary = classifier.model().vocabulary;
    const double t = classifier.model().temperature;
    std::array<std::vector<Contribution>, label_count> all;
    for (std::uint32_t id = 1; id <= vocabulary.size(); ++id) {
        const std::string& word = vocabulary.word(id);
        std::array<double, label_count> share{};
        bool found = false;
        for (std::size_t c = 0; c < label_count; ++c) {
            Explanation e;
            e.label = c;
            explain_exactly(exact, classifier, {id}, e);
            for (const Contribution& part : e.contributions)
                if (part.text == word) share[c] = part.weight, found = true;
        }
        if (!found) continue;  // a word without weights of its own (no training headline had it)
        const double mean = (share[0] + share[1] + share[2] + share[3]) / label_count;
        for (std::size_t c = 0; c < label_count; ++c) all[c].push_back({word, t * (share[c] - mean)});
    }
    for (std::size_t c = 0; c < label_count; ++c) {
        auto& words = all[c];
        const std::size_t kept = std::min(count, words.size());
        std::partial_sort(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(kept), words.end(),
                          [](const Contribution& a, const Contribution& b) { return a.weight > b.weight; });
        strongest[c].assign(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(kept));
    }
    return strongest;
}

void write_explanation_json(JsonWriter& w, const Explanation& e) {
    const bool exact = e.method == Explanation::Method::exact;
    w.begin_object().member("method", exact ? "exact" : "occlusion").member("class", label_codes[e.label]);
    if (exact) w.member("space", "logit").member("logit", static_cast<float>(e.logit)).member("bias", static_cast<float>(e.bias));
    else w.member("space", "probability").member("probability", static_cast<float>(e.probability));
    w.key("contributions").begin_array();
    for (const Contribution& c : e.contributions)
        w.begin_object().member("text", c.text).member("weight", static_cast<float>(c.weight)).end_object();
    w.end_array().end_object();
}

}  // namespace newsclf
