#include "newsclf/sagemaker/training.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/model/headline_input.hpp"

namespace fs = std::filesystem;

namespace newsclf {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string unknown_hyperparameter(const std::string& name, const std::string& source) {
    std::string known, closest;
    std::size_t best = 3;  // suggest only names within two edits
    for (const auto& h : hyperparameters()) {
        known += (known.empty() ? "" : ", ") + h.name;
        const std::size_t d = edit_distance(name, h.name);
        if (d < best) best = d, closest = h.name;
    }
    return where(source) + "hyperparameter " + json_string(name) + ": unknown" +
           (closest.empty() ? "" : " (did you mean " + json_string(closest) + "?)") + "; known: " + known;
}

// The corpus of a channel's headline files, in order; every record must have a category.
TokenStream tokenize_files(const std::vector<std::string>& files, std::optional<Vocabulary> vocabulary) {
    HeadlineTokenizer tokenizer(RecordFormat::automatic, std::move(vocabulary));
    for (const auto& file : files) tokenizer.add(read_bytes(file), file);
    return parse_token_stream(tokenizer.token_stream_bytes(), "the token stream of " + files.front());
}

void write_epoch(JsonWriter& w, const EpochResult& e) {
    w.begin_object().member("epoch", e.epoch);
    if (e.train.rows > 0) w.member("loss", e.train.loss).member("accuracy", e.train.accuracy);
    if (e.validation.rows > 0) w.member("val_loss", e.validation.loss).member("val_accuracy", e.validation.accuracy);
    w.end_object();
}


}  // namespace

ChannelFiles channel_files(const std::string& directory) {
    std::vector<fs::path> paths;
    std::error_code ec;
    fs::recursive_directory_iterator it(directory, fs::directory_options::follow_directory_symlink, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name[0] == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec)) paths.push_back(it->path());
    }
    if (ec) throw IoError(directory + ": cannot list: " + ec.message());
    std::sort(paths.begin(), paths.end());
    ChannelFiles files;
    for (const auto& p : paths)
        (p.filename().string().rfind("glove", 0) == 0 ? files.vectors : files.headlines).push_back(p.string());
    return files;
}

FitOptions fit_options_from_hyperparameters(const Hyperparameters& given, const std::string& source) {
    for (const auto& [name, value] : given) {
        const auto& table = hyperparameters();
        if (std::none_of(table.begin(), table.end(), [&](const Hyperparameter& h) { return h.name == name; }))
            throw UsageError(unknown_hyperparameter(name, source));
    }
    try {
        FitOptions options = fit_options(given);
        validate(options);
        return options;
    } catch (const UsageError& e) {
        // The table's messages start with the hyperparameter's name: 'epochs: "x" is not an integer >= 1'.
        throw UsageError(where(source) + "hyperparameter " + e.what());
    }
}

JobTraining train_job(const TrainingJob& job, const FitOptions& fit, const std::function<void(const EpochResult&)>& on_epoch) {
    std::error_code ec;
    const Channel* training = job.channel("training");
    if (!training)
        throw DataError("no channel \"training\": " +
                        (fs::exists(job.input_data_config_path(), ec)
                             ? job.input_data_config_path() + " does not name it"
                             : "no directory " + job.data_dir() + "/training") +
                        "; it holds the headlines (newsCorpora.csv) and the word vectors (glove.6B.100d.txt)");
    if (!fs::is_directory(training->path, ec))
        throw DataError("channel \"training\": no directory " + training->path +
                        "; it holds the headlines (newsCorpora.csv) and the word vectors (glove.6B.100d.txt)");
    const ChannelFiles files = channel_files(training->path);
    if (files.headlines.empty())
        throw DataError("channel \"training\": no headline file (such as newsCorpora.csv) in " + training->path);
    if (files.vectors.size() > 1)
        throw DataError("channel \"training\": " + std::to_string(files.vectors.size()) + " word vector files in " +
                        training->path + " (" + files.vectors[0] + ", " + files.vectors[1] + "); keep one");
    const Architecture& arch = architecture(fit.arch);
    if (arch.needs_pretrained && files.vectors.empty())
        throw DataError("channel \"training\": no word vector file (glove*.txt, .xz or .gz) in " + training->path +
                        "; arch " + arch.name + " needs pretrained vectors (arch linear and bag do not)");

    const std::string source = training->path;
    TokenStream tokens = tokenize_files(files.headlines, std::nullopt);
    log_info("channel training: " + std::to_string(tokens.corpus.size()) + " headlines in " +
             std::to_string(files.headlines.size()) + " file(s), vocabulary of " +
             std::to_string(tokens.info.vocabulary.size()) + " words");

    std::optional<Matrix> vectors;
    if (!files.vectors.empty())
        vectors = word_vector_matrix(read_bytes(files.vectors[0]), files.vectors[0], tokens.info);

    std::optional<TokenStream> validation;
    std::string validation_source;
    if (const Channel* channel = job.channel("validation")) {
        ChannelFiles v = channel_files(channel->path);
        if (v.headlines.empty())
            throw DataError("channel \"validation\": no headline file in " + channel->path);
        validation = tokenize_files(v.headlines, tokens.info.vocabulary);
        validation_source = channel->path;
        log_info("channel validation: " + std::to_string(validation->corpus.size()) + " headlines");
    }

    FitOptions options = fit;
    TrainingSet set = prepare_training_set(std::move(tokens), source, std::move(validation), validation_source, options);
    std::optional<Matrix> pretrained;
    if (vectors) pretrained = pretrained_rows(std::move(*vectors), set.tokens.info.vocabulary.size(), files.vectors[0], source);
    JobTraining out;
    out.train_rows = set.split.train.size();
    out.validation_rows = set.split.validation.size();
    out.fitted = fit_model(set, pretrained ? &*pretrained : nullptr, options, on_epoch);
    return out;
}

std::string job_metrics_json(const JobTraining& training, double seconds) {
    const auto& history = training.fitted.history;
    std::string out;
    JsonWriter w(out);
    w.begin_object().raw_member("hyperparameters", hyperparameters_json(training.fitted.model.options));
    w.key("epochs").begin_array();
    for (const auto& e : history) write_epoch(w, e);
    w.end_array().key("final");
    if (history.empty()) w.null();
    else write_epoch(w, history.back());
    w.member("rows", training.train_rows + training.validation_rows);
    w.member("train_rows", training.train_rows);
    w.member("validation_rows", training.validation_rows);
    w.member("seconds", seconds);
    w.end_object();
    return out + "\n";
}

}  // namespace newsclf
