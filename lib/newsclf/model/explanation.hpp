// Why a classifier chose a headline's class: each word's and n-gram's part in the winning class,
// exact for the models whose class score is a sum over features (linear, bag without a hidden
// layer), by leaving each word out for the others. Computed only when asked: prediction alone
// never comes here.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "newsclf/base/json.hpp"
#include "newsclf/model/classifier.hpp"

namespace newsclf {

struct Contribution {
    std::string text;  // the word, or the n-gram's words joined by spaces ("<s>"/"</s>": the headline's ends)
    double weight;
};

struct Explanation {
    enum class Method { exact, occlusion };
    Method method = Method::exact;
    std::size_t label = 0;  // the class explained: the most probable one
    // exact: the class's logit (its probability is the softmax of the four) is bias plus the weights.
    double logit = 0, bias = 0;
    // occlusion: the class's probability with every word; a weight is how much it drops when every
    // occurrence of that word is left out (negative: the class gains without it).
    double probability = 0;
    // By decreasing absolute weight, ties in the order of the headline.
    std::vector<Contribution> contributions;
};

// The explanation of the class the classifier gives the title.
Explanation explain(const Classifier& classifier, std::string_view title);

// For the models whose explanations are exact (linear, bag without a hidden layer): the `count`
// words of the vocabulary that raise each class's logit most above the four classes' mean, when
// the word is a headline's only word (the weight: that difference, at the model's temperature).
// Empty lists for the other models.
std::array<std::vector<Contribution>, label_count> strongest_words(const Classifier& classifier, std::size_t count);

// {"method": "exact", "class": "m", "space": "logit", "logit": ..., "bias": ..., "contributions":
// [{"text": "weight loss", "weight": 1.23}, ...]}, or for occlusion {"method": "occlusion",
// "class": "m", "space": "probability", "probability": ..., "contributions": [...]}.
void write_explanation_json(JsonWriter& w, const Explanation& e);

}  // namespace newsclf
