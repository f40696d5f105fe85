// The page: a summary table, the data's charts, the models side by side (one column each, one
// row a kind of chart, so that the same chart of two models sits at the same height), the peers
// benchmark. Charts are collected while the page is written and drawn by one gnuplot run.
#include "newsclf/reporting/report_page.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <simdjson.h>

#include "newsclf/base/labels.hpp"
#include "newsclf/reporting/charts.hpp"
#include "newsclf/reporting/gnuplot.hpp"
#include "newsclf/reporting/html.hpp"

namespace newsclf {

namespace {

constexpr std::string_view style = R"(
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; margin: 24px 32px; line-height: 1.4; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
p.lead { color: #555; margin: 0 0 16px; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0 16px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; }
th { background: #f5f5f5; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 16px; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: #555; margin-top: 2px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.charts > figure { flex: 1 1 480px; max-width: 640px; }
.models { display: grid; gap: 16px 32px; overflow-x: auto; }
.models > div { min-width: 0; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.hyper { font-size: 12px; color: #444; word-break: break-word; }
.word { display: flex; justify-content: space-between; gap: 8px; white-space: nowrap; }
.word .bar { display: inline-block; height: 8px; background: #0173B2; margin-right: 6px; vertical-align: middle; }
.muted { color: #777; font-size: 13px; }
)";

// The page's text with its charts in order: pieces[i] comes before chart i.
class PageWriter {
public:
    std::string html;

    // A figure: the chart, its alternative text and its caption.
    void figure(Chart chart, const std::string& name, const std::string& alt, const std::string& caption) {
        html += "<figure class=\"chart\" data-chart=\"" + html_escape(name) + "\">";
        pieces_.push_back(std::move(html));
        html.clear();
        charts_.push_back(std::move(chart));
        alts_.push_back(alt);
        html += "<figcaption>" + caption + "</figcaption></figure>\n";
    }

    std::string finish() {
        const std::vector<std::string> svgs = draw_charts(charts_);
        std::string page;
        for (std::size_t i = 0; i < svgs.size(); ++i) page += pieces_[i] + svg_image(svgs[i], alts_[i]);
        return page + html;
    }

private:
    std::vector<std::string> pieces_, alts_;
    std::vector<Chart> charts_;
};

std::string td(const std::string& text) { return "<td>" + text + "</td>"; }
std::string interval_text(const Interval& i) { return "[" + fixed(i.lower, 4) + ", " + fixed(i.upper, 4) + "]"; }
std::string tdn(const std::string& text) { return "<td class=\"n\">" + text + "</td>"; }

void write_summary_table(PageWriter& page, const ReportContent& c) {
    page.html += "<table><tr><th>model</th><th>file</th><th class=\"n\">size</th><th class=\"n\">rows</th>"
                 "<th class=\"n\">accuracy</th><th class=\"n\">95% interval</th><th class=\"n\">macro-F1</th>"
                 "<th class=\"n\">95% interval</th><th class=\"n\">log-loss</th>"
                 "<th class=\"n\">ECE</th><th class=\"n\">Brier</th></tr>\n";
    for (const auto& m : c.models)
        page.html += "<tr>" + td(html_escape(m.label)) + td("<code>" + html_escape(m.path) + "</code>") +
                     tdn(byte_size(static_cast<double>(m.file_bytes))) + tdn(std::to_string(m.metrics.count())) +
                     tdn(fixed(m.metrics.accuracy(), 4)) + tdn(interval_text(m.intervals.accuracy)) +
                     tdn(fixed(m.metrics.macro_f1(), 4)) + tdn(interval_text(m.intervals.macro_f1)) +
                     tdn(fixed(m.metrics.log_loss(), 4)) + tdn(percent(m.metrics.ece())) + tdn(fixed(m.metrics.brier(), 4)) +
                     "</tr>\n";
    std::string units;
    if (!c.models.empty())
        units = c.models[0].intervals.unit == ResampleUnit::story
                    ? "whole stories (" + std::to_string(c.models[0].intervals.units) + "), as a new story's headlines come together"
                    : "rows (the data has no stories)";
    page.html += "</table>\n<p class=\"muted\">95% interval: percentile bootstrap of 1000 resamples of " + units +
                 ", as newsclf-eval gives it. ECE: expected calibration error of the predicted category's "
                 "probability over 15 equal-width bins; Brier: mean squared error of the probability vector; "
                 "log-loss: mean cross-entropy. Lower is better for all three.</p>\n";
}

void write_data_section(PageWriter& page, const ReportContent& c) {
    page.html += "<h2 id=\"data\">The data</h2>\n<p class=\"lead\">" + std::to_string(c.data.rows) +
                 " labelled headlines";
    if (!c.data_sources.empty()) {
        page.html += " from ";
        for (std::size_t i = 0; i < c.data_sources.size(); ++i)
            page.html += (i ? ", " : "") + std::string("<code>") + html_escape(c.data_sources[i]) + "</code>";
    }
    page.html += ", the rows every model below is scored on.</p>\n<div class=\"charts\">\n";
    std::vector<double> counts(c.data.class_rows.begin(), c.data.class_rows.end());
    page.figure(count_bars("Headlines by category", "headlines", category_tick_labels(), counts), "class-balance",
                "bar chart of the headlines in each category", "How many headlines each category has (its share in brackets).");
    std::size_t words = 0;
    for (std::size_t i = 0; i < c.data.words_per_title.size(); ++i) words += i * c.data.words_per_title[i];
    page.figure(integer_histogram("Title length", "words per title (the last bar: " +
                                                      std::to_string(DataSummary::words_cap) + " or more)",
                                  c.data.words_per_title),
                "title-length", "histogram of the number of words per title",
                "Words per title as newsclf-tokenize splits them; " +
                    fixed(c.data.rows ? static_cast<double>(words) / static_cast<double>(c.data.rows) : 0.0, 1) +
                    " on average.");
    page.html += "</div>\n";
}

void write_comparison(PageWriter& page, const ReportContent& c) {
    if (c.models.size() < 2) return;
    page.html += "<h2 id=\"side-by-side\">Side by side</h2>\n<div class=\"charts\">\n";
    std::vector<Series> f1;
    std::vector<ReliabilitySeries> reliability;
    for (const auto& m : c.models) {
        Series s{m.label, {}};
        for (std::size_t k = 0; k < label_count; ++k) s.values.push_back(m.metrics.class_scores(k).f1);
        f1.push_back(std::move(s));
        reliability.push_back({m.label, m.metrics.confidence_bins()});
    }
    page.figure(grouped_bars("F1 by category", "F1 score", category_tick_labels(), f1), "f1-by-model",
                "grouped bar chart of each model's F1 score in each category",
                "Each category's F1 score (the harmonic mean of its precision and recall), one bar a model.");
    page.figure(reliability_diagram(reliability), "reliability-by-model", "reliability diagram of every model",
                "Accuracy against confidence in 15 bins: on the diagonal, a probability of 80% is right 80% of the "
                "time. Below, the share of rows in each bin (log scale).");
    page.html += "</div>\n";
}

// The metadata that says what a model is, from newsclf-predict --inspect's object.
std::string metadata_table(const ModelSummary& m) {
    simdjson::dom::parser parser;
    simdjson::dom::element s;
    std::string rows;
    auto row = [&](const std::string& key, const std::string& value) {
        rows += "<tr><th>" + html_escape(key) + "</th><td>" + value + "</td></tr>\n";
    };
    row("file", "<code>" + html_escape(m.path) + "</code> (" + byte_size(static_cast<double>(m.file_bytes)) + ")");
    if (parser.parse(m.summary_json).get(s) != simdjson::SUCCESS) return "<table>" + rows + "</table>";
    std::string_view text;
    std::uint64_t n = 0;
    if (s["format"].get(text) == simdjson::SUCCESS) row("format", html_escape(text));
    if (s["vocabulary_size"].get(n) == simdjson::SUCCESS) row("vocabulary", std::to_string(n) + " words");
    simdjson::dom::array members;
    if (s["members"].get(members) == simdjson::SUCCESS) {
        std::string archs;
        std::uint64_t own = 0, all = 0, p = 0;
        if (s["parameters"].get(own) == simdjson::SUCCESS) all = own;
        for (simdjson::dom::element member : members) {
            if (member["arch"].get(text) == simdjson::SUCCESS) archs += (archs.empty() ? "" : ", ") + html_escape(text);
            if (member["parameters"].get(p) == simdjson::SUCCESS) all += p;
        }
        row("parameters", std::to_string(all) + " in all, " + std::to_string(own) + " of them its own");
        row("members", archs);
    } else if (s["parameters"].get(n) == simdjson::SUCCESS) {
        row("parameters", std::to_string(n));
    }
    simdjson::dom::element training;
    if (s["training"].get(training) == simdjson::SUCCESS) {
        std::uint64_t train = 0, validation = 0, epochs = 0, best = 0;
        if (training["train_rows"].get(train) == simdjson::SUCCESS &&
            training["validation_rows"].get(validation) == simdjson::SUCCESS)
            row("trained on", std::to_string(train) + " rows, " + std::to_string(validation) + " held out for validation");
        if (training["epochs_run"].get(epochs) == simdjson::SUCCESS) {
            std::string e = std::to_string(epochs);
            if (training["best_epoch"].get(best) == simdjson::SUCCESS) e += " (best: " + std::to_string(best) + ")";
            row("epochs", e);
        }
    }
    simdjson::dom::element calibration;
    double temperature = 0;
    if (s["calibration"].get(calibration) == simdjson::SUCCESS && calibration["temperature"].get(temperature) == simdjson::SUCCESS) {
        std::string method = "temperature";
        if (calibration["method"].get(text) == simdjson::SUCCESS) method = std::string(text);
        row("calibration", html_escape(method) + ", T = " + fixed(temperature, 4));
    }
    simdjson::dom::object hyperparameters;
    if (s["hyperparameters"].get(hyperparameters) == simdjson::SUCCESS) {
        std::string list;
        for (auto [key, value] : hyperparameters) {
            std::string shown;
            if (value.is_string()) shown = std::string(value.get_string().value_unsafe());
            else shown = simdjson::minify(value);
            list += (list.empty() ? "" : " ") + html_escape(std::string(key) + "=" + shown);
        }
        row("hyperparameters", "<span class=\"hyper mono\">" + list + "</span>");
    }
    return "<table class=\"meta\">" + rows + "</table>";
}

std::string class_table(const ModelSummary& m) {
    std::string t = "<table><tr><th>category</th><th class=\"n\">precision</th><th class=\"n\">recall</th>"
                    "<th class=\"n\">F1</th><th class=\"n\">rows</th></tr>\n";
    for (std::size_t k = 0; k < label_count; ++k) {
        const ClassScores s = m.metrics.class_scores(k);
        t += "<tr>" + td(std::string(label_codes[k]) + " " + html_escape(label_names[k])) + tdn(fixed(s.precision, 4)) +
             tdn(fixed(s.recall, 4)) + tdn(fixed(s.f1, 4)) + tdn(std::to_string(s.support)) + "</tr>\n";
    }
    return t + "</table>\n";
}

std::string strongest_words_table(const StrongestWords& w) {
    double top = 0;
    std::size_t rows = 0;
    for (const auto& words : w.words) {
        rows = std::max(rows, words.size());
        for (const auto& c : words) top = std::max(top, c.weight);
    }
    std::string t = "<h3>Strongest words, " + html_escape(w.of) + "</h3>\n<table class=\"words\"><tr>";
    for (std::size_t k = 0; k < label_count; ++k) t += "<th>" + html_escape(label_names[k]) + "</th>";
    t += "</tr>\n";
    for (std::size_t r = 0; r < rows; ++r) {
        t += "<tr>";
        for (std::size_t k = 0; k < label_count; ++k) {
            if (r >= w.words[k].size()) {
                t += "<td></td>";
                continue;
            }
            const Contribution& c = w.words[k][r];
            const int width = top > 0 ? static_cast<int>(std::lround(40 * std::max(0.0, c.weight) / top)) : 0;
            t += "<td><span class=\"word\"><span>" + html_escape(c.text) + "</span><span class=\"mono\"><span class=\"bar\" "
                 "style=\"width:" + std::to_string(width) + "px;background:" + std::string(series_colour(k)) + "\"></span>" +
                 fixed(c.weight, 2) + "</span></span></td>";
        }
        t += "</tr>\n";
    }
    return t + "</table>\n";
}

// A history of one epoch (or none) in words.
std::string one_pass(const std::vector<EpochResult>& history) {
    if (history.empty()) return "The model records no training history.";
    const EpochResult& e = history.front();
    std::string s = "Trained in one pass";
    auto part = [](const std::string& rows, const Evaluation& v) {
        return "; on the " + std::to_string(v.rows) + " " + rows + " rows: loss " + fixed(v.loss, 4) + ", accuracy " +
               fixed(v.accuracy, 4);
    };
    if (e.train.rows > 0) s += part("training", e.train);
    if (e.validation.rows > 0) s += part("validation", e.validation);
    return s + ".";
}

void write_models(PageWriter& page, const ReportContent& c) {
    if (c.models.empty()) return;
    page.html += "<h2 id=\"models\">" + std::string(c.models.size() > 1 ? "Each model" : "The model") + "</h2>\n";
    page.html += "<div class=\"models\" style=\"grid-template-columns: repeat(" + std::to_string(c.models.size()) +
                 ", minmax(460px, 1fr))\">\n";
    // One grid row a kind of content, one cell a model.
    for (const auto& m : c.models)
        page.html += "<div><h3>" + html_escape(m.label) + "</h3>" + metadata_table(m) + "</div>\n";
    for (const auto& m : c.models) {
        page.html += "<div>";
        if (m.history.size() < 2)
            page.html += "<h3>Training</h3><p>" + one_pass(m.history) + "</p>";
        else
            page.figure(learning_curves(m.history), "learning-curves", "learning curves of " + m.label,
                        "Loss and accuracy after each epoch, on the training rows and on the rows held out for validation"
                        " (the model's final weights: " +
                            std::string(m.history.size() > 1 ? "its best epoch's" : "these") + ").");
        page.html += "</div>\n";
    }
    for (const auto& m : c.models) {
        page.html += "<div>";
        page.figure(confusion_heat_map(m.metrics.confusion()), "confusion", "confusion matrix of " + m.label,
                    "Rows: the true category; columns: the model's. Each cell: headlines and their share of the row.");
        page.html += "</div>\n";
    }
    for (const auto& m : c.models) {
        page.html += "<div>";
        std::vector<Series> scores{{"precision", {}}, {"recall", {}}, {"F1", {}}};
        for (std::size_t k = 0; k < label_count; ++k) {
            const ClassScores s = m.metrics.class_scores(k);
            scores[0].values.push_back(s.precision);
            scores[1].values.push_back(s.recall);
            scores[2].values.push_back(s.f1);
        }
        page.figure(grouped_bars("Precision, recall and F1 by category", "score", category_tick_labels(), scores),
                    "per-class", "precision, recall and F1 of " + m.label + " by category",
                    "Precision: the share of the headlines it puts in a category that belong there; recall: the share "
                    "of a category's headlines it finds.");
        page.html += class_table(m) + "</div>\n";
    }
    for (const auto& m : c.models) {
        page.html += "<div>";
        page.figure(reliability_diagram({{m.label, m.metrics.confidence_bins()}}), "reliability",
                    "reliability diagram of " + m.label,
                    "Log-loss " + fixed(m.metrics.log_loss(), 4) + ", Brier score " + fixed(m.metrics.brier(), 4) + ".");
        page.html += "</div>\n";
    }
    for (const auto& m : c.models) {
        page.html += "<div>";
        for (const auto& w : m.strongest) page.html += strongest_words_table(w);
        if (m.strongest.empty())
            page.html += "<p class=\"muted\">Word weights are exact for linear and bag models (and an ensemble's "
                         "linear and bag members); newsclf-predict --explain shows this model's reasons headline by "
                         "headline.</p>";
        else
            page.html += "<p class=\"muted\">A word's weight: how far it raises the category's logit above the four "
                         "categories' mean when it is a headline's only word (at the model's temperature).</p>";
        page.html += "</div>\n";
    }
    page.html += "</div>\n";
}

void write_peers(PageWriter& page, const ReportContent& c) {
    if (c.peers.empty()) return;
    std::vector<std::string> systems, splits;
    for (const auto& p : c.peers) {
        if (std::find(systems.begin(), systems.end(), p.system) == systems.end()) systems.push_back(p.system);
        if (std::find(splits.begin(), splits.end(), p.split) == splits.end()) splits.push_back(p.split);
    }
    std::vector<Series> accuracy;
    for (const auto& split : splits) accuracy.push_back({split + " split", std::vector<double>(systems.size(), NAN)});
    for (const auto& p : c.peers) {
        const auto sys = static_cast<std::size_t>(std::find(systems.begin(), systems.end(), p.system) - systems.begin());
        const auto split = static_cast<std::size_t>(std::find(splits.begin(), splits.end(), p.split) - splits.begin());
        accuracy[split].values[sys] = p.accuracy;
    }
    page.html += "<h2 id=\"peers\">Against the peers</h2>\n<p class=\"lead\">From <code>" + html_escape(c.peers_source) +
                 "</code> (<code>scripts/bench/peers.sh --json</code>): each system trained and scored on its split's "
                 "own test rows, not on the data above.</p>\n<div class=\"charts\">\n";
    page.figure(dot_plot("Accuracy on each split's test rows", "accuracy", systems, accuracy), "peers",
                "dot plot of each system's accuracy on each split", "One row a system, one marker a split.");
    page.html += "</div>\n<table><tr><th>system</th><th>split</th><th class=\"n\">accuracy</th>"
                 "<th class=\"n\">95% interval</th><th class=\"n\">macro-F1</th>"
                 "<th class=\"n\">training</th><th class=\"n\">model</th></tr>\n";
    for (const auto& p : c.peers)
        page.html += "<tr>" + td(html_escape(p.system)) + td(html_escape(p.split)) + tdn(fixed(p.accuracy, 4)) +
                     tdn(p.accuracy_interval ? interval_text(*p.accuracy_interval) +
                                                   (p.interval_unit.empty() ? "" : " by " + html_escape(p.interval_unit))
                                             : "") +
                     tdn(fixed(p.macro_f1, 4)) + tdn(p.train_seconds >= 0 ? fixed(p.train_seconds, 2) + " s" : "") +
                     tdn(p.model_bytes >= 0 ? byte_size(p.model_bytes) : "") + "</tr>\n";
    page.html += "</table>\n";
}

}  // namespace

std::string report_html(const ReportContent& c) {
    PageWriter page;
    page.html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                html_escape(c.title) + "</title>\n<style>" + std::string(style) + "</style>\n</head>\n<body>\n<h1>" +
                html_escape(c.title) + "</h1>\n";
    if (!c.models.empty()) {
        page.html += "<p class=\"lead\">" + std::to_string(c.models.size()) + " model" + (c.models.size() > 1 ? "s" : "") +
                     " scored on the same " + std::to_string(c.data.rows) + " labelled headlines.</p>\n";
        write_summary_table(page, c);
    }
    write_data_section(page, c);
    write_comparison(page, c);
    write_models(page, c);
    write_peers(page, c);
    page.html += "<p class=\"muted\">Written by newsclf-report.</p>\n</body>\n</html>\n";
    return page.finish();
}

}  // namespace newsclf
