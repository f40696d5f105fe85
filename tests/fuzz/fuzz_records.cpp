// Headline records from untrusted bytes: TSV, JSON Lines, fastText and plain lines with the format
// detection, read whole as newsclf-tokenize reads them (gzip and xz data decompressed first) and
// line by line through the LineReader, as newsclf-predict reads them.
// Input: one byte of options (bits 0-1 the format, 2 require_label, 3 allow_empty_title,
// 4 skip_bad, 5 the line reader instead of the whole input, 6 fastText whatever bits 0-1 say), then
// the bytes.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "newsclf/base/error.hpp"
#include "newsclf/base/log.hpp"
#include "newsclf/io/decompression.hpp"
#include "newsclf/io/line_reader.hpp"
#include "newsclf/text/records.hpp"

using namespace newsclf;

namespace {

// The line reader takes a path: the input is written to a file in memory and read through
// /proc/self/fd, each read opening it afresh.
const std::string& memory_file(const char* data, std::size_t size) {
    static const int fd = memfd_create("fuzz_records", 0);
    static const std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) __builtin_trap();
    return path;
}

void read_line_by_line(const char* data, std::size_t size, RecordFormat format, const RecordReadOptions& options) {
    LineReader reader(memory_file(data, size));
    std::string line;
    while (reader.next(line)) {
        if (format == RecordFormat::automatic) format = detect_record_format(line);
        NewsRecord r = parse_record_line(line, format, reader.name(), reader.line_number(), options);
        if (r.line != reader.line_number()) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    set_verbosity(0);  // skipped rows are logged
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const unsigned flags = data[0];
    const char* bytes = reinterpret_cast<const char*>(data) + 1;
    const std::size_t length = size - 1;
    RecordReadOptions options;
    options.format = flags & 64 ? RecordFormat::fasttext : static_cast<RecordFormat>(flags & 3);
    options.require_label = flags & 4;
    options.allow_empty_title = flags & 8;
    options.skip_bad = flags & 16;
    try {
        if (flags & 32) {
            read_line_by_line(bytes, length, options.format, options);
        } else {
            std::string text = decompress_if_compressed(std::string(bytes, length), "fuzz");
            std::size_t records = 0;
            RecordReadStats stats = read_records(text, "fuzz", options, [&](NewsRecord&& r) {
                ++records;
                if (r.label < -1 || r.label > 3) __builtin_trap();
            });
            if (stats.records != records) __builtin_trap();
        }
    } catch (const Error&) {
    }
    return 0;
}
