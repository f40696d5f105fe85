#include "newsclf/text/records.hpp"

#include <simdjson.h>

#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/io/input_bytes.hpp"
#include "newsclf/io/line_reader.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/text/utf8.hpp"

namespace newsclf {
namespace {

// Where a line is, made into "source:line: " only when an error names it (most lines have none).
struct LineAt {
    const std::string& source;
    std::size_t line;
    friend std::string operator+(const LineAt& at, const std::string& text) { return where(at.source, at.line) + text; }
    friend std::string operator+(const LineAt& at, const char* text) { return where(at.source, at.line) + text; }
};

constexpr std::size_t tsv_field_count = 8;
constexpr const char* tsv_field_names[tsv_field_count] = {"ID",       "TITLE", "URL",      "PUBLISHER",
                                                          "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP"};

int parse_label(std::string_view code, const LineAt& at, const std::string& field) {
    int label = label_index(code);
    if (label == no_label)
        throw DataError(at + field + " is \"" + std::string(code.substr(0, 40)) +
                        "\": expected one of b (business), t (science and technology), e (entertainment), "
                        "m (health)");
    return label;
}

void check_title(const NewsRecord& r, const LineAt& at, const std::string& field,
                 const RecordReadOptions& options) {
    if (!options.allow_empty_title && r.title.find_first_not_of(" \t") == std::string::npos)
        throw DataError(at + field + " is empty: every record needs a headline");
}

void parse_tsv(std::string_view line, const LineAt& at, const RecordReadOptions& options, NewsRecord& r) {
    std::string_view fields[tsv_field_count];
    std::size_t count = 0, start = 0;
    for (;;) {
        std::size_t tab = line.find('\t', start);
        std::string_view field = line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
        if (count < tsv_field_count) fields[count] = field;
        ++count;
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    if (count != tsv_field_count)
        throw DataError(at + "found " + std::to_string(count) +
                        " TAB-separated fields, expected 8 (ID, TITLE, URL, PUBLISHER, CATEGORY, STORY, HOSTNAME, "
                        "TIMESTAMP)");
    r.id = fields[0];
    r.title = fields[1];
    r.publisher = fields[3];
    r.story = fields[5];
    check_title(r, at, "field 2 (TITLE)", options);
    if (!fields[4].empty() || options.require_label) r.label = parse_label(fields[4], at, "field 5 (CATEGORY)");
}

std::string json_scalar_text(simdjson::dom::element e) {
    switch (e.type()) {
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(e.get_string()));
    case simdjson::dom::element_type::INT64: return std::to_string(int64_t(e.get_int64()));
    case simdjson::dom::element_type::UINT64: return std::to_string(uint64_t(e.get_uint64()));
    default: return simdjson::minify(e);
    }
}

bool is_number(simdjson::dom::element e) {
    auto t = e.type();
    return t == simdjson::dom::element_type::INT64 || t == simdjson::dom::element_type::UINT64 ||
           t == simdjson::dom::element_type::DOUBLE;
}

// A member of the top-level object whose value is a number, as written: where it is in the line.
struct NumberText {
    std::string key;
    std::size_t offset, length;
};

// The numbers of the top-level object's members, read without converting them, so that a number
// beyond a double (123456789012345678901234567890, 1e400), which is valid JSON, keeps its text;
// empty when the line is not such an object (the DOM parse then says why).
std::vector<NumberText> top_level_numbers(std::string_view line) {
    std::vector<NumberText> numbers;
    thread_local simdjson::ondemand::parser parser;
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) return {};
    for (auto member : object) {
        simdjson::ondemand::field field;
        std::string_view key;
        simdjson::ondemand::json_type type;
        if (std::move(member).get(field) || field.unescaped_key().get(key)) return {};
        simdjson::ondemand::value value = field.value();
        if (value.type().get(type)) return {};
        if (type != simdjson::ondemand::json_type::number) continue;
        std::string_view text = value.raw_json_token();
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
            text.remove_suffix(1);
        numbers.push_back({std::string(key), static_cast<std::size_t>(text.data() - padded.data()), text.size()});
    }
    return numbers;
}

// The text of the last top-level member named key whose value is a number.
std::string number_text(std::string_view line, const std::vector<NumberText>& numbers, std::string_view key) {
    for (auto n = numbers.rbegin(); n != numbers.rend(); ++n)
        if (n->key == key) return std::string(line.substr(n->offset, n->length));
    return {};
}

void parse_jsonl(std::string_view line, const LineAt& at, const RecordReadOptions& options, NewsRecord& r) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    auto error = parser.parse(line.data(), line.size(), true).get(doc);
    std::vector<NumberText> numbers;
    std::string substitute;
    if (error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE) {
        // The DOM converts every number and refuses what a double cannot hold: parse the line
        // again with those of the top level as 0, and keep their text for the fields below.
        numbers = top_level_numbers(line);
        if (!numbers.empty()) {
            substitute = std::string(line);
            for (auto n = numbers.rbegin(); n != numbers.rend(); ++n) substitute.replace(n->offset, n->length, "0");
            if (!parser.parse(substitute.data(), substitute.size(), true).get(doc)) error = simdjson::SUCCESS;
        }
    }
    if (error) throw DataError(at + "not a JSON object: " + simdjson::error_message(error));
    simdjson::dom::object object;
    if (doc.get_object().get(object)) throw DataError(at + "expected a JSON object such as {\"title\": \"...\"}");
    // A number's text as sent, digits and exponent kept ("1e400", "1.50"), for the fields passed through.
    auto scalar_text = [&](std::string_view key, simdjson::dom::element value) {
        if (!is_number(value)) return json_scalar_text(value);
        if (numbers.empty()) numbers = top_level_numbers(line);
        std::string text = number_text(line, numbers, key);
        return text.empty() ? json_scalar_text(value) : text;
    };
    bool has_title = false;
    std::string title_field = "\"title\"";
    for (auto [key, value] : object) {
        if (key == "title" || key == "input") {
            std::string_view s;
            if (value.get_string().get(s))
                throw DataError(at + "field \"" + std::string(key) + "\" must be a string");
            r.title = s;
            has_title = true;
            title_field = "field \"" + std::string(key) + "\"";
        } else if (key == "category" || key == "label") {
            std::string_view s;
            if (value.get_string().get(s))
                throw DataError(at + "field \"" + std::string(key) + "\" must be a string");
            r.label = parse_label(s, at, "field \"" + std::string(key) + "\"");
        } else if (key == "id") {
            r.id = scalar_text(key, value);
        } else if (key == "story") {
            r.story = scalar_text(key, value);
        } else if (key == "publisher") {
            r.publisher = scalar_text(key, value);
        }
    }
    if (!has_title) throw DataError(at + "no \"title\" (or \"input\") field");
    check_title(r, at, title_field, options);
    if (options.require_label && r.label == no_label) throw DataError(at + "no \"category\" field");
}

constexpr std::string_view fasttext_label_prefix = "__label__";

bool fasttext_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

// fastText's training line: whitespace-separated words, those that begin with __label__ its
// labels (usually first). newsclf classifies into one of four categories: one label at most.
void parse_fasttext(std::string_view line, const LineAt& at, const RecordReadOptions& options, NewsRecord& r) {
    r.words = true;
    std::string first_label;
    for (std::size_t i = 0; i < line.size();) {
        while (i < line.size() && fasttext_space(line[i])) ++i;
        std::size_t end = i;
        while (end < line.size() && !fasttext_space(line[end])) ++end;
        std::string_view word = line.substr(i, end - i);
        i = end;
        if (word.empty()) break;
        if (word.substr(0, fasttext_label_prefix.size()) != fasttext_label_prefix) {
            if (!r.title.empty()) r.title += ' ';
            r.title += word;
            continue;
        }
        if (!first_label.empty())
            throw DataError(at + "several labels (" + first_label + ", " + std::string(word.substr(0, 40)) +
                            "): newsclf gives a headline one category; keep one label a line");
        first_label = word.substr(0, 40);
        std::string_view code = word.substr(fasttext_label_prefix.size());
        r.label = label_index(code);
        if (r.label == no_label)
            throw DataError(at + "label \"" + first_label +
                            "\": expected one of __label__b (business), __label__t (science and technology), "
                            "__label__e (entertainment), __label__m (health)");
    }
    check_title(r, at, "the headline after the label", options);
    if (options.require_label && r.label == no_label)
        throw DataError(at + "no __label__ on the line: every training headline needs one of __label__b, __label__t, "
                             "__label__e, __label__m");
}

}  // namespace

RecordFormat parse_record_format(const std::string& name) {
    if (name == "auto") return RecordFormat::automatic;
    if (name == "tsv") return RecordFormat::tsv;
    if (name == "jsonl") return RecordFormat::jsonl;
    if (name == "fasttext") return RecordFormat::fasttext;
    if (name == "lines") return RecordFormat::lines;
    throw UsageError("unknown input format \"" + name + "\": expected auto, tsv, jsonl, fasttext or lines");
}

RecordFormat detect_record_format(std::string_view first_line) {
    std::size_t i = first_line.find_first_not_of(" \t");
    if (i != std::string_view::npos && first_line[i] == '{') return RecordFormat::jsonl;
    if (first_line.substr(0, fasttext_label_prefix.size()) == fasttext_label_prefix) return RecordFormat::fasttext;
    std::size_t tabs = 0;
    for (char c : first_line) tabs += (c == '\t');
    return tabs == tsv_field_count - 1 ? RecordFormat::tsv : RecordFormat::lines;
}

void parse_record_line(std::string_view line, RecordFormat format, const std::string& source, std::size_t line_number,
                       const RecordReadOptions& options, NewsRecord& r) {
    const LineAt at{source, line_number};
    if (!line.empty() && line.back() == '\r')
        throw DataError(at + "line ends with CR (CRLF line ends); convert the file with dos2unix or tr -d '\\r'");
    if (line.size() > LineReader::max_line_bytes)
        throw DataError(at + "line is " + std::to_string(line.size()) + " bytes, over the limit of " +
                        std::to_string(LineReader::max_line_bytes) + "; is this a headline file?");
    std::size_t bad = find_invalid_utf8(line);
    if (bad != std::string_view::npos) {
        std::string field;
        if ((format == RecordFormat::automatic ? detect_record_format(line) : format) == RecordFormat::tsv) {
            std::size_t tabs = 0;
            for (std::size_t i = 0; i < bad; ++i) tabs += (line[i] == '\t');
            if (tabs < tsv_field_count) field = ", in field " + std::to_string(tabs + 1) + " (" + tsv_field_names[tabs] + ")";
        }
        throw DataError(at + "invalid UTF-8 at byte " + std::to_string(bad + 1) + " of the line" + field +
                        "; re-encode the file as UTF-8 (iconv)");
    }
    if (format == RecordFormat::automatic) format = detect_record_format(line);
    r.id.clear();
    r.title.clear();
    r.label = no_label;
    r.story.clear();
    r.publisher.clear();
    r.words = false;
    switch (format) {
    case RecordFormat::tsv: parse_tsv(line, at, options, r); break;
    case RecordFormat::jsonl: parse_jsonl(line, at, options, r); break;
    case RecordFormat::fasttext: parse_fasttext(line, at, options, r); break;
    default:
        r.title = line;
        check_title(r, at, "the headline", options);
        if (options.require_label) throw DataError(at + "plain headline lines carry no category; use TSV or JSON Lines");
        break;
    }
    r.line = line_number;
}

NewsRecord parse_record_line(std::string_view line, RecordFormat format, const std::string& source,
                             std::size_t line_number, const RecordReadOptions& options) {
    NewsRecord r;
    parse_record_line(line, format, source, line_number, options, r);
    return r;
}

RecordLines::RecordLines(std::string source, const RecordReadOptions& options)
    : source_(std::move(source)), options_(options), format_(options.format) {}

void RecordLines::see_first_line(std::string_view line) {
    if (format_ == RecordFormat::automatic) format_ = detect_record_format(line);
}

void RecordLines::parse(std::string_view line, std::size_t line_number, NewsRecord& r) const {
    // Detection takes fastText's format only when every line says so: a headline that merely
    // begins with "__label__" is not read as a label.
    if (options_.format == RecordFormat::automatic && format_ == RecordFormat::fasttext &&
        line.substr(0, fasttext_label_prefix.size()) != fasttext_label_prefix)
        throw DataError(where(source_, line_number) +
                        "no __label__ at the start, as the first line has: give --input-format fasttext to "
                        "read lines without a label as unlabelled headlines, or --input-format lines");
    parse_record_line(line, format_, source_, line_number, options_, r);
}

void RecordLines::skipped(std::string_view message, RecordReadStats& stats) const {
    ++stats.skipped;
    if (stats.skipped <= logged_skips) log_info("skipped: " + std::string(message));
}

void RecordLines::finish(const RecordReadStats& stats, bool empty_input) const {
    // The count comes first, also when every row was skipped: the failure that follows then says
    // why nothing is left.
    if (stats.skipped > 0)
        log_info(display_name(source_) + ": skipped " + std::to_string(stats.skipped) + " bad row(s) of " +
                 std::to_string(stats.skipped + stats.records));
    if (stats.records == 0 && stats.skipped > 0)
        throw DataError(where(source_) + "no valid records: all " + std::to_string(stats.skipped) +
                        " row(s) were bad and skipped");
    if (stats.records == 0)
        throw DataError(where(source_) + (empty_input ? "the input is empty" : "no valid records") +
                        ": expected headlines (TSV, JSON Lines, fastText lines or one per line)");
}

RecordReadStats read_records(std::string_view bytes, const std::string& source, const RecordReadOptions& options,
                             const std::function<void(NewsRecord&&)>& on_record) {
    bytes = without_utf8_bom(bytes);
    RecordReadStats stats;
    RecordLines reader(source, options);
    std::size_t line_number = 0;
    ProgressBar bar(bytes.size(), source + " ", "bytes");
    for (std::size_t start = 0; start < bytes.size();) {
        if (line_number % 256 == 0) bar.update(start);
        std::size_t nl = bytes.find('\n', start);
        std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
        std::string_view line = bytes.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (line_number == 1) reader.see_first_line(line);
        try {
            NewsRecord r;
            reader.parse(line, line_number, r);
            on_record(std::move(r));
            ++stats.records;
        } catch (const DataError& e) {
            if (!options.skip_bad) throw;
            reader.skipped(e.what(), stats);
        }
    }
    bar.finish();
    reader.finish(stats, bytes.empty());
    return stats;
}

}  // namespace newsclf
