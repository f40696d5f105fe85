// Readers of headline records: the data set's TSV, JSON Lines, fastText's training lines
// ("__label__b some words") and plain lines. Each is a
// function over bytes that reports every record with its line number, or a DataError that names
// the source, line and field.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "newsclf/base/error.hpp"

namespace newsclf {

enum class RecordFormat { automatic, tsv, jsonl, lines, fasttext };

struct NewsRecord {
    std::string id;     // ID field, JSON "id", or empty
    std::string title;  // TITLE, JSON "title" or "input", a fastText line's words, or the whole line
    int label = -1;     // index into label_codes, or no_label
    std::string story;  // STORY field or JSON "story", or empty
    std::string publisher;
    std::size_t line = 0;
    bool words = false;  // the title is words already (fastText): see word_settings
};

struct RecordReadOptions {
    RecordFormat format = RecordFormat::automatic;
    bool require_label = false;  // a record without a category is an error
    bool allow_empty_title = false;
    bool skip_bad = false;       // count bad rows instead of failing
};

struct RecordReadStats {
    std::size_t records = 0;
    std::size_t skipped = 0;
};

RecordFormat parse_record_format(const std::string& name);  // "auto", "tsv", "jsonl", "fasttext", "lines"
// Guesses the format from the first line: '{' is JSON Lines, 8 TAB-separated fields is TSV,
// "__label__" at the start is fastText's training format.
RecordFormat detect_record_format(std::string_view first_line);

// Parses one line (without its '\n'). Throws DataError naming source, line and field.
NewsRecord parse_record_line(std::string_view line, RecordFormat format, const std::string& source,
                             std::size_t line_number, const RecordReadOptions& options);

// The same into a record made before (its strings' buffers reused).
void parse_record_line(std::string_view line, RecordFormat format, const std::string& source, std::size_t line_number,
                       const RecordReadOptions& options, NewsRecord& into);

// One input's lines read as records, the way read_records reads them, for readers that take its
// lines in blocks (and on several threads: parse is const).
class RecordLines {
public:
    RecordLines(std::string source, const RecordReadOptions& options);
    // Fixes the format from the input's first line (unless one was given); before any parse.
    void see_first_line(std::string_view line);
    // Line line_number's record (the line without its '\n'), or a DataError naming source, line and field.
    void parse(std::string_view line, std::size_t line_number, NewsRecord& into) const;
    // Counts a bad line skipped (skip_bad), and logs its message if it is among the first
    // logged_skips.
    void skipped(std::string_view message, RecordReadStats& stats) const;
    static constexpr std::size_t logged_skips = 10;
    // At the input's end: logs the bad rows skipped; an input without records is a DataError.
    void finish(const RecordReadStats& stats, bool empty_input) const;

private:
    std::string source_;
    RecordReadOptions options_;
    RecordFormat format_;
};

// Every record of a whole input, in order. An input without records is an error. fastText lines
// found by detection must each start with a label; --input-format fasttext also reads lines
// without one, as unlabelled headlines.
RecordReadStats read_records(std::string_view bytes, const std::string& source, const RecordReadOptions& options,
                             const std::function<void(NewsRecord&&)>& on_record);

}  // namespace newsclf
