#include "newsclf/archs/ensemble.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

#include "newsclf/base/error.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/training/trainer.hpp"

namespace newsclf {

namespace {

// The members' networks; each sees only the token ids of its own (shorter or equal) vocabulary.
class EnsembleNetwork : public Network {
public:
    explicit EnsembleNetwork(const Model& model) : vocabulary_size_(model.vocabulary.size()) {
        if (model.members.empty()) throw UsageError("an ensemble needs at least one member");
        for (const auto& member : model.members) {
            if (member.options.arch == "ensemble") throw UsageError("an ensemble member cannot be an ensemble");
            if (!is_prefix_of(member.vocabulary, model.vocabulary))
                throw UsageError("an ensemble member's vocabulary is not a prefix of the ensemble's");
            networks_.push_back(architecture(member.options.arch).network(member));
            parameters_.push_back(member.parameters.data());
            vocabulary_sizes_.push_back(member.vocabulary.size());
        }
    }

    std::vector<ParameterBlock> parameter_blocks() const override {
        std::vector<ParameterBlock> blocks;
        blocks.push_back({"weights", 0, {networks_.size()}});
        return blocks;
    }

    void predict(const float* params, const TokenBatch& batch, float* probabilities) const override {
        const std::size_t n = batch.size();
        std::fill(probabilities, probabilities + n * label_count, 0.0f);
        std::vector<float> member(n * label_count);
        std::vector<std::uint32_t> kept;
        TokenBatch narrowed(n);
        for (std::size_t k = 0; k < networks_.size(); ++k) {
            const TokenBatch* input = &batch;
            if (vocabulary_sizes_[k] < vocabulary_size_) {
                kept.clear();
                for (const auto& span : batch)
                    for (std::size_t i = 0; i < span.size; ++i)
                        if (span.data[i] <= vocabulary_sizes_[k]) kept.push_back(span.data[i]);
                std::size_t at = 0;
                for (std::size_t b = 0; b < n; ++b) {
                    const std::size_t begin = at;
                    for (std::size_t i = 0; i < batch[b].size; ++i) at += batch[b].data[i] <= vocabulary_sizes_[k];
                    narrowed[b] = {kept.data() + begin, at - begin};
                }
                input = &narrowed;
            }
            networks_[k]->predict(parameters_[k], *input, member.data());
            for (std::size_t i = 0; i < member.size(); ++i) probabilities[i] += params[k] * member[i];
        }
    }

private:
    std::size_t vocabulary_size_;
    std::vector<std::unique_ptr<Network>> networks_;
    std::vector<const float*> parameters_;
    std::vector<std::size_t> vocabulary_sizes_;
};

// A member model of the named arch with its own defaults, untrained.
Model member_model(const Model& ensemble, const std::string& arch_name, std::size_t k) {
    Model member;
    member.options = fit_options({{"arch", arch_name},
                                  {"seed", std::to_string(ensemble.options.seed + k)},
                                  {"threads", std::to_string(ensemble.options.threads)},
                                  {"split_by", ensemble.options.split_by},
                                  {"validation_split", json_number(ensemble.options.validation_split)},
                                  {"vector_weight", json_number(ensemble.options.vector_weight)}});
    member.normalizer = ensemble.normalizer;
    const std::size_t words = words_kept(member.options.max_words, ensemble.vocabulary.size());
    member.vocabulary = Vocabulary(std::vector<std::string>(ensemble.vocabulary.words().begin(),
                                                            ensemble.vocabulary.words().begin() + words));
    member.max_words = words + 1;
    return member;
}

// That member trained on the ensemble's data and split.
Model train_member(const Model& ensemble, const std::string& arch_name, std::size_t k, const TrainingData& data) {
    const Architecture& arch = architecture(arch_name);
    Model member = member_model(ensemble, arch_name, k);
    const std::size_t words = member.vocabulary.size();
    if (arch.needs_pretrained && !data.pretrained)
        throw UsageError("the ensemble's member " + arch_name + " needs --embedding: the word vectors from newsclf-embed");
    std::optional<Matrix> pretrained;
    if (data.pretrained) {
        pretrained = Matrix::from_shape({words + 1, data.pretrained->shape(1)});
        std::copy(data.pretrained->data(), data.pretrained->data() + pretrained->size(), pretrained->data());
    }
    std::optional<TokenCorpus> narrowed;
    if (words < ensemble.vocabulary.size()) {
        narrowed = data.corpus;
        drop_ids_beyond(*narrowed, words);
    }
    log_info("member " + std::to_string(k + 1) + ": " + arch_name);
    TrainingData member_data{narrowed ? *narrowed : data.corpus, data.split, pretrained ? &*pretrained : nullptr,
                             data.on_epoch, data.ranks};
    arch.train(member, member_data);
    round_to_storage(member);
    return member;
}

// What training fills in a member (its parameters; its embedding, frozen or trained; the vector
// width a bag takes from the word vectors), sent from rank `root` to every rank.
void share_member(Communicator& ranks, Model& member, std::size_t root) {
    broadcast_values(ranks, member.parameters, root);
    const bool sending = ranks.rank() == root;
    long long shape[3] = {sending ? static_cast<long long>(member.embedding.shape(0)) : 0,
                          sending ? static_cast<long long>(member.embedding.shape(1)) : 0,
                          sending ? static_cast<long long>(member.options.dim) : 0};
    ranks.allreduce_max(shape, 3);
    if (!sending) {
        member.embedding = Matrix::from_shape({static_cast<std::size_t>(shape[0]), static_cast<std::size_t>(shape[1])});
        member.options.dim = static_cast<std::size_t>(shape[2]);
    }
    ranks.broadcast(member.embedding.data(), member.embedding.size(), root);
}

// The members, trained on data's ranks: with at least as many ranks as members, member k alone
// on rank k, all at the same time, then sent to every rank; with fewer, one after the other, each
// over all the ranks.
std::vector<Model> train_members(const Model& ensemble, const std::vector<std::string>& names, const TrainingData& data) {
    Communicator& ranks = *data.ranks;
    std::vector<Model> members;
    if (ranks.size() < names.size()) {
        for (std::size_t k = 0; k < names.size(); ++k) members.push_back(train_member(ensemble, names[k], k, data));
        return members;
    }
    log_info("members 1 to " + std::to_string(names.size()) + " on ranks 0 to " + std::to_string(names.size() - 1) +
             " at the same time");
    Communicator alone;
    TrainingData own = data;
    own.ranks = &alone;
    for (std::size_t k = 0; k < names.size(); ++k)
        members.push_back(ranks.rank() == k ? train_member(ensemble, names[k], k, own) : member_model(ensemble, names[k], k));
    for (std::size_t k = 0; k < names.size(); ++k) share_member(ranks, members[k], k);
    return members;
}

}  // namespace

std::vector<double> fit_mixture_weights(const std::vector<std::vector<float>>& probabilities,
                                        const std::vector<std::int8_t>& labels, std::size_t classes) {
    const std::size_t k = probabilities.size();
    std::vector<double> weights(k, 1.0 / static_cast<double>(k));
    std::vector<double> responsibility(k);
    for (int iteration = 0; iteration < 1000; ++iteration) {
        std::fill(responsibility.begin(), responsibility.end(), 0.0);
        std::size_t rows = 0;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (labels[i] < 0) continue;
            ++rows;
            double total = 0;
            for (std::size_t m = 0; m < k; ++m)
                total += weights[m] * std::max<double>(probabilities[m][i * classes + labels[i]], 1e-7);
            for (std::size_t m = 0; m < k; ++m)
                responsibility[m] += weights[m] * std::max<double>(probabilities[m][i * classes + labels[i]], 1e-7) / total;
        }
        if (rows == 0) break;
        double change = 0;
        for (std::size_t m = 0; m < k; ++m) {
            const double updated = responsibility[m] / static_cast<double>(rows);
            change = std::max(change, std::fabs(updated - weights[m]));
            weights[m] = updated;
        }
        if (change < 1e-7) break;
    }
    return weights;
}

Architecture ensemble_architecture() {
    Architecture a;
    a.name = "ensemble";
    a.help = "the models of the archs --members names, each with its own defaults, their probabilities mixed with "
             "weights fit on the validation rows";
    // 0.15, not 0.1 or 0.2: a story is held out of the benchmark's story split when its MD5 % 5 == 0, so a
    // 1/k rule with k a multiple of 5 would find no validation story in that split's training file.
    // vector_weight 0: its linear member on TF-IDF features alone. With the word vectors (which bag and
    // cnn read already) the full data's ensemble was 0.06 points less accurate on the row split and 0.03
    // on the story split, and its model file a quarter larger.
    a.defaults = {{"max_words", "0"},
                  {"validation_split", "0.15"},
                  {"split_by", "story"},
                  {"members", "linear,bag,cnn"},
                  {"vector_weight", "0"}};
    a.needs_pretrained = false;
    a.final_training_on_every_row = true;
    // Its members train alone on their ranks, and again on the validation rows too.
    a.trains_on_rank_shards = false;
    a.network = [](const Model& m) -> std::unique_ptr<Network> { return std::make_unique<EnsembleNetwork>(m); };
    a.train = [](Model& m, const TrainingData& data) {
        require_training_rows(data.split);  // an empty input is that, whatever the split
        if (data.split.validation.empty())
            throw UsageError("an ensemble fits its weights on validation rows: give a validation_split above 0 or --validation");
        auto start = std::chrono::steady_clock::now();
        std::vector<std::vector<float>> member_probabilities;
        m.members.clear();
        const auto names = member_names(m.options.members);
        std::vector<Model> members = train_members(m, names, data);
        for (std::size_t k = 0; k < names.size(); ++k) {
            Model& member = members[k];
            const TokenCorpus* corpus = &data.corpus;
            std::optional<TokenCorpus> narrowed;
            if (member.vocabulary.size() < m.vocabulary.size()) {
                narrowed = data.corpus;
                drop_ids_beyond(*narrowed, member.vocabulary.size());
                corpus = &*narrowed;
            }
            auto network = architecture(member.options.arch).network(member);
            member_probabilities.push_back(predict_rows(*network, member.parameters.data(), *corpus, data.split.validation));
            const Evaluation e = evaluate_probabilities(member_probabilities.back(), data.corpus, data.split.validation);
            char line[128];
            std::snprintf(line, sizeof line, "member %zu (%s): val_loss: %.4f - val_acc: %.4f", k + 1, names[k].c_str(),
                          e.loss, e.accuracy);
            log_info(line);
            m.members.push_back(std::move(member));
        }
        std::vector<std::int8_t> labels;
        for (auto r : data.split.validation) labels.push_back(data.corpus.labels[r]);
        const auto weights = fit_mixture_weights(member_probabilities, labels, label_count);
        // The weights found, each member is trained again on every row: held-out stories are worth
        // more as training rows than as a check, once the mixture is fixed.
        DataSplit every_row;
        every_row.train = data.split.train;
        every_row.train.insert(every_row.train.end(), data.split.validation.begin(), data.split.validation.end());
        std::sort(every_row.train.begin(), every_row.train.end());
        const TrainingData all_data{data.corpus, every_row, data.pretrained, data.on_epoch, data.ranks};
        log_info("the members again, on every row");
        m.members = train_members(m, names, all_data);
        m.parameters.assign(weights.begin(), weights.end());
        std::string shown;
        for (std::size_t k = 0; k < names.size(); ++k) {
            char weight[32];
            std::snprintf(weight, sizeof weight, "%.4f", weights[k]);
            shown += (k ? ", " : "") + names[k] + " " + weight;
        }
        log_info("weights: " + shown);
        EpochResult r;
        r.epoch = r.epochs = r.steps = 1;
        std::vector<float> mixed(labels.size() * label_count, 0.0f);
        for (std::size_t k = 0; k < names.size(); ++k)
            for (std::size_t i = 0; i < mixed.size(); ++i) mixed[i] += static_cast<float>(weights[k]) * member_probabilities[k][i];
        r.validation = evaluate_probabilities(mixed, data.corpus, data.split.validation);
        if (data.held_out_probabilities) *data.held_out_probabilities = mixed;
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (data.on_epoch) data.on_epoch(r);
        return std::vector<EpochResult>{r};
    };
    return a;
}

}  // namespace newsclf
