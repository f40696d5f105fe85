// The only code that reads or writes newsclf's binary containers (man/newsclf-formats.5):
// a readable magic with the major version, a minor version, a sanity block, typed metadata,
// a kind-specific body, and a trailer with the body's length, an item count and a CRC-32.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace newsclf {

namespace format {
inline constexpr std::size_t magic_size = 16;
inline constexpr std::string_view magic_prefix = "newsclf-";
inline constexpr std::string_view tokens_kind = "tokens";
inline constexpr std::string_view model_kind = "model";
inline constexpr std::uint32_t tokens_major = 1, tokens_minor = 0;
inline constexpr std::uint32_t model_major = 1, model_minor = 2;  // 1.1: patience, dropout, epochs_run, best_epoch;
                                                                   // 1.2: arch tensors, f16 tensors, ensembles
inline constexpr std::uint32_t model_minor_quantized = 3;  // 1.3: q8 and q4 tensors, written only by a model that holds them
inline constexpr std::uint32_t model_minor_calibrated = 4;  // 1.4: calibration, written only by a model that has one
inline constexpr std::string_view trailer_magic = "NCLF-END";
inline constexpr std::size_t trailer_size = 8 + 8 + 8 + 4;
enum class ValueType : std::uint8_t { u64 = 1, f64 = 2, string = 3, json = 4 };
enum class DType : std::uint8_t { f32 = 1, f16 = 2, q8 = 3, q4 = 4 };
// q8 and q4: a tensor of `rows` rows of `cols` values as a bitmap of the stored rows (bit r % 8 of
// byte r / 8), then each stored row: its f16 scale and cols integers q, each value scale * q; q8
// holds a q in [-127, 127] a byte, q4 one in [-7, 7] a half byte (two's complement, the even
// column in the low half). A row whose scale rounds to 0 (all zeros) is not stored.
inline constexpr std::size_t quantized_max_cols = 4096;
// A reader refuses a q8 or q4 tensor of more values than this many times the bytes of the file
// (a pruned bag model of the full data holds about 40): a few kilobytes cannot ask for gigabytes.
inline constexpr std::size_t quantized_max_expansion = 1024;
}  // namespace format

// Typed key/value metadata; keys are sorted so the same content gives the same bytes.
struct JsonText {
    std::string text;
};
using MetaValue = std::variant<std::uint64_t, double, std::string, JsonText>;
using Metadata = std::map<std::string, MetaValue>;

const MetaValue& meta_get(const Metadata& m, const std::string& key, const std::string& source);
std::uint64_t meta_u64(const Metadata& m, const std::string& key, const std::string& source);
double meta_f64(const Metadata& m, const std::string& key, const std::string& source);
std::string meta_string(const Metadata& m, const std::string& key, const std::string& source);

// Little-endian, fixed-width encoding into a growing byte string.
class ByteWriter {
public:
    void u8(std::uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void f32(float v);
    void f64(double v);
    void raw(std::string_view s) { bytes_.append(s); }
    void string16(std::string_view s);  // u16 length + bytes
    void string64(std::string_view s);  // u64 length + bytes
    void f32_array(const float* data, std::size_t n);
    void f16_array(const float* data, std::size_t n);  // rounded to nearest even
    // Rows quantized to `bits` (8: q8, 4: q4).
    void quantized_rows(const float* data, std::size_t rows, std::size_t cols, int bits);
    std::string& bytes() { return bytes_; }

private:
    std::string bytes_;
};

// Bounds-checked reading; running past the end is a FormatError that names the field.
class ByteReader {
public:
    ByteReader(std::string_view bytes, std::string source) : bytes_(bytes), source_(std::move(source)) {}
    std::uint8_t u8(const char* field);
    std::uint16_t u16(const char* field);
    std::uint32_t u32(const char* field);
    std::uint64_t u64(const char* field);
    float f32(const char* field);
    double f64(const char* field);
    std::string_view raw(std::size_t n, const char* field);
    std::string string16(const char* field);
    std::string string64(const char* field);
    void f32_array(float* out, std::size_t n, const char* field);
    void f16_array(float* out, std::size_t n, const char* field);
    void quantized_rows(float* out, std::size_t rows, std::size_t cols, int bits, const char* field);
    // The encoded bytes of a q8 or q4 tensor (its bitmap says how many rows follow), consumed.
    std::string_view quantized_bytes(std::size_t rows, std::size_t cols, int bits, const char* field);
    std::size_t position() const { return pos_; }
    std::size_t remaining() const { return bytes_.size() - pos_; }
    const std::string& source() const { return source_; }
    [[noreturn]] void fail(const std::string& what) const;

private:
    void need(std::size_t n, const char* field);
    std::string_view bytes_;
    std::size_t pos_ = 0;
    std::string source_;
};

// values (rows x cols) = what they read as after a round trip through q8 (bits 8) or q4 (bits 4).
void round_to_quantized(float* values, std::size_t rows, std::size_t cols, int bits);

// Header: magic "newsclf-<kind>/<major>" padded with '\n' to 16 bytes, u32 minor, sanity block
// (f32 1.0, f32 -0.5, u64 1), u32 metadata count, entries.
void write_header(ByteWriter& w, std::string_view kind, std::uint32_t major, std::uint32_t minor, const Metadata& meta);
struct Header {
    std::uint32_t major = 0, minor = 0;
    Metadata metadata;
};
// Reads and checks the magic alone: refuses another kind or a newer major version; returns the
// major version. A reader checks this before the trailer, so that a newer file is named as such.
std::uint32_t read_magic(ByteReader& r, std::string_view kind, std::uint32_t supported_major);
// Reads and checks a header; refuses another kind, a newer major version or a foreign byte order.
// Its metadata are read only from a body whose trailer verify_trailer has checked.
Header read_header(ByteReader& r, std::string_view kind, std::uint32_t supported_major);
// The kind named by a magic ("tokens", "model"), or "" when the bytes are not a newsclf container.
std::string container_kind(std::string_view bytes);

// Trailer: "NCLF-END", u64 length of everything before the trailer, u64 item count, u32 CRC-32
// of everything before the trailer.
std::string make_trailer(std::uint64_t body_length, std::uint64_t items, std::uint32_t body_crc);
std::uint32_t crc32_of(std::string_view bytes, std::uint32_t crc = 0);
// The CRC-32 of a's bytes followed by b's, from their CRCs and b's length.
std::uint32_t crc32_joined(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b);
// Checks the trailer of a whole container; returns the body (without trailer), its item count
// and, when body_crc is given, its CRC-32 (checked against the body's).
std::string_view verify_trailer(std::string_view bytes, const std::string& source, std::uint64_t* items,
                                std::uint32_t* body_crc = nullptr);

}  // namespace newsclf
