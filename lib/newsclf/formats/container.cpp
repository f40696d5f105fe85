#include "newsclf/formats/container.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "newsclf/base/error.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/base/parallel.hpp"
#include "newsclf/base/printable.hpp"

namespace newsclf {

const MetaValue& meta_get(const Metadata& m, const std::string& key, const std::string& source) {
    auto it = m.find(key);
    if (it == m.end()) throw FormatError(source + ": metadata key \"" + key + "\" is missing; the file is damaged or not made by newsclf");
    return it->second;
}
std::uint64_t meta_u64(const Metadata& m, const std::string& key, const std::string& source) {
    if (auto v = std::get_if<std::uint64_t>(&meta_get(m, key, source))) return *v;
    throw FormatError(source + ": metadata key \"" + key + "\" is not an integer");
}
double meta_f64(const Metadata& m, const std::string& key, const std::string& source) {
    if (auto v = std::get_if<double>(&meta_get(m, key, source))) return *v;
    throw FormatError(source + ": metadata key \"" + key + "\" is not a number");
}
std::string meta_string(const Metadata& m, const std::string& key, const std::string& source) {
    const MetaValue& v = meta_get(m, key, source);
    if (auto s = std::get_if<std::string>(&v)) return *s;
    if (auto j = std::get_if<JsonText>(&v)) return j->text;
    throw FormatError(source + ": metadata key \"" + key + "\" is not text");
}

void ByteWriter::u16(std::uint16_t v) {
    for (int i = 0; i < 2; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}
void ByteWriter::u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}
void ByteWriter::u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}
void ByteWriter::f32(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    u32(bits);
}
void ByteWriter::f64(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
}
void ByteWriter::string16(std::string_view s) {
    u16(static_cast<std::uint16_t>(std::min<std::size_t>(s.size(), 0xFFFF)));
    raw(s.substr(0, 0xFFFF));
}
void ByteWriter::string64(std::string_view s) {
    u64(s.size());
    raw(s);
}
void ByteWriter::f16_array(const float* data, std::size_t n) {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + 2 * n);
    encode_halves(data, &bytes_[at], n);
}
void ByteWriter::f32_array(const float* data, std::size_t n) {
    if (n == 0) return;  // data may be null; memcpy must not see it
    std::size_t at = bytes_.size();
    bytes_.resize(at + 4 * n);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(&bytes_[at], data, 4 * n);
#else
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, data + i, 4);
        for (int k = 0; k < 4; ++k) bytes_[at + 4 * i + k] = static_cast<char>(bits >> (8 * k));
    }
#endif
}

namespace {
// The largest |q| of a row quantized to `bits`.
float quantized_levels(int bits) { return bits == 4 ? 7.0f : 127.0f; }
std::size_t quantized_row_bytes(std::size_t cols, int bits) { return bits == 4 ? (cols + 1) / 2 : cols; }
// A row's scale, as the file holds it: max |v| / levels in f16; 0 for a row left out.
std::uint16_t row_scale(const float* row, std::size_t cols, int bits) {
    float largest = 0;
    for (std::size_t c = 0; c < cols; ++c) largest = std::max(largest, std::fabs(row[c]));
    const std::uint16_t half = float_to_half(largest / quantized_levels(bits));
    return std::isfinite(half_to_float(half)) ? half : 0;
}
int quantized_value(float v, float scale, int bits) {
    const float levels = quantized_levels(bits);
    return static_cast<int>(std::clamp(std::nearbyint(v / scale), -levels, levels));
}
// The c-th integer of a stored row's bytes.
int stored_value(const char* row, std::size_t c, int bits) {
    if (bits == 8) return static_cast<std::int8_t>(row[c]);
    const int nibble = (static_cast<unsigned char>(row[c / 2]) >> (4 * (c % 2))) & 0xF;
    return (nibble ^ 8) - 8;
}
std::size_t bitmap_bytes(std::size_t rows) { return rows / 8 + (rows % 8 != 0); }
}  // namespace

void round_to_quantized(float* values, std::size_t rows, std::size_t cols, int bits) {
    for (std::size_t r = 0; r < rows; ++r) {
        float* row = values + r * cols;
        const float scale = half_to_float(row_scale(row, cols, bits));
        for (std::size_t c = 0; c < cols; ++c)
            row[c] = scale == 0 ? 0.0f : static_cast<float>(quantized_value(row[c], scale, bits)) * scale;
    }
}

void ByteWriter::quantized_rows(const float* data, std::size_t rows, std::size_t cols, int bits) {
    const std::size_t bitmap_at = bytes_.size();
    bytes_.append(bitmap_bytes(rows), '\0');
    for (std::size_t r = 0; r < rows; ++r) {
        const float* row = data + r * cols;
        const std::uint16_t half = row_scale(row, cols, bits);
        const float scale = half_to_float(half);
        if (scale == 0) continue;
        bytes_[bitmap_at + r / 8] = static_cast<char>(bytes_[bitmap_at + r / 8] | (1 << (r % 8)));
        u16(half);
        const std::size_t at = bytes_.size();
        bytes_.append(quantized_row_bytes(cols, bits), '\0');
        for (std::size_t c = 0; c < cols; ++c) {
            const int q = quantized_value(row[c], scale, bits);
            if (bits == 8)
                bytes_[at + c] = static_cast<char>(static_cast<std::int8_t>(q));
            else
                bytes_[at + c / 2] = static_cast<char>(bytes_[at + c / 2] | ((q & 0xF) << (4 * (c % 2))));
        }
    }
}

void ByteReader::fail(const std::string& what) const {
    throw FormatError(source_ + ": " + what);
}
void ByteReader::need(std::size_t n, const char* field) {
    if (bytes_.size() - pos_ < n)
        fail("truncated: the file ends at byte " + std::to_string(bytes_.size()) + " while reading " + field +
             "; it was cut short, so re-create it");
}
std::uint8_t ByteReader::u8(const char* field) {
    need(1, field);
    return static_cast<std::uint8_t>(bytes_[pos_++]);
}
std::uint16_t ByteReader::u16(const char* field) {
    need(2, field);
    std::uint16_t v = 0;
    for (int i = 0; i < 2; ++i) v |= static_cast<std::uint16_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 2;
    return v;
}
std::uint32_t ByteReader::u32(const char* field) {
    need(4, field);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return v;
}
std::uint64_t ByteReader::u64(const char* field) {
    need(8, field);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return v;
}
float ByteReader::f32(const char* field) {
    std::uint32_t bits = u32(field);
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
}
double ByteReader::f64(const char* field) {
    std::uint64_t bits = u64(field);
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
}
std::string_view ByteReader::raw(std::size_t n, const char* field) {
    need(n, field);
    std::string_view v = bytes_.substr(pos_, n);
    pos_ += n;
    return v;
}
std::string ByteReader::string16(const char* field) {
    std::uint16_t n = u16(field);
    return std::string(raw(n, field));
}
std::string ByteReader::string64(const char* field) {
    std::uint64_t n = u64(field);
    if (n > remaining()) need(static_cast<std::size_t>(-1), field);
    return std::string(raw(static_cast<std::size_t>(n), field));
}
void ByteReader::f16_array(float* out, std::size_t n, const char* field) {
    if (n > remaining() / 2) need(static_cast<std::size_t>(-1), field);
    std::string_view src = raw(2 * n, field);
    decode_halves(src.data(), out, n);
}
std::string_view ByteReader::quantized_bytes(std::size_t rows, std::size_t cols, int bits, const char* field) {
    if (cols > format::quantized_max_cols)
        fail(std::string(field) + ": quantized rows of " + std::to_string(cols) + " values, more than " +
             std::to_string(format::quantized_max_cols) + "; the file is corrupt");
    const std::size_t start = pos_;
    std::string_view bitmap = raw(bitmap_bytes(rows), field);
    std::size_t stored = 0;
    for (char b : bitmap) stored += static_cast<std::size_t>(__builtin_popcount(static_cast<unsigned char>(b)));
    if (rows % 8 != 0 && (static_cast<unsigned char>(bitmap.back()) >> (rows % 8)) != 0)
        fail(std::string(field) + ": the bitmap marks rows past the last; the file is corrupt");
    raw(stored * (2 + quantized_row_bytes(cols, bits)), field);
    return bytes_.substr(start, pos_ - start);
}

void ByteReader::quantized_rows(float* out, std::size_t rows, std::size_t cols, int bits, const char* field) {
    std::string_view all = quantized_bytes(rows, cols, bits, field);
    std::size_t at = bitmap_bytes(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        float* row = out + r * cols;
        if (!(static_cast<unsigned char>(all[r / 8]) & (1u << (r % 8)))) {
            std::fill(row, row + cols, 0.0f);
            continue;
        }
        const auto half = static_cast<std::uint16_t>(static_cast<unsigned char>(all[at]) |
                                                     static_cast<unsigned>(static_cast<unsigned char>(all[at + 1])) << 8);
        const float scale = half_to_float(half);
        at += 2;
        for (std::size_t c = 0; c < cols; ++c) row[c] = static_cast<float>(stored_value(all.data() + at, c, bits)) * scale;
        at += quantized_row_bytes(cols, bits);
    }
}

void ByteReader::f32_array(float* out, std::size_t n, const char* field) {
    if (n > remaining() / 4) need(static_cast<std::size_t>(-1), field);
    std::string_view src = raw(4 * n, field);
    if (n == 0) return;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(out, src.data(), 4 * n);
#else
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t bits = 0;
        for (int k = 0; k < 4; ++k) bits |= static_cast<std::uint32_t>(static_cast<unsigned char>(src[4 * i + k])) << (8 * k);
        std::memcpy(out + i, &bits, 4);
    }
#endif
}

namespace {
std::string make_magic(std::string_view kind, std::uint32_t major) {
    std::string magic = std::string(format::magic_prefix) + std::string(kind) + "/" + std::to_string(major);
    magic.resize(format::magic_size, '\n');
    return magic;
}
}  // namespace

void write_header(ByteWriter& w, std::string_view kind, std::uint32_t major, std::uint32_t minor, const Metadata& meta) {
    w.raw(make_magic(kind, major));
    w.u32(minor);
    w.f32(1.0f);
    w.f32(-0.5f);
    w.u64(1);
    w.u32(static_cast<std::uint32_t>(meta.size()));
    for (const auto& [key, value] : meta) {
        w.string16(key);
        if (auto u = std::get_if<std::uint64_t>(&value)) {
            w.u8(static_cast<std::uint8_t>(format::ValueType::u64));
            w.u64(*u);
        } else if (auto d = std::get_if<double>(&value)) {
            w.u8(static_cast<std::uint8_t>(format::ValueType::f64));
            w.f64(*d);
        } else if (auto s = std::get_if<std::string>(&value)) {
            w.u8(static_cast<std::uint8_t>(format::ValueType::string));
            w.string64(*s);
        } else {
            w.u8(static_cast<std::uint8_t>(format::ValueType::json));
            w.string64(std::get<JsonText>(value).text);
        }
    }
}

std::string container_kind(std::string_view bytes) {
    if (bytes.size() < format::magic_size || bytes.substr(0, format::magic_prefix.size()) != format::magic_prefix) return "";
    std::string_view magic = bytes.substr(format::magic_prefix.size(), format::magic_size - format::magic_prefix.size());
    std::size_t slash = magic.find('/');
    return slash == std::string_view::npos ? "" : std::string(magic.substr(0, slash));
}

std::uint32_t read_magic(ByteReader& r, std::string_view kind, std::uint32_t supported_major) {
    std::string_view magic = r.raw(format::magic_size, "the magic");
    std::string found = container_kind(magic);
    if (found.empty())
        r.fail("not a newsclf " + std::string(kind) + " file (it does not start with \"newsclf-" + std::string(kind) + "/\")");
    if (found != kind) r.fail("this is a newsclf " + found + " file, but a " + std::string(kind) + " file is needed here");
    std::string_view version = magic.substr(format::magic_prefix.size() + found.size() + 1);
    version = version.substr(0, version.find('\n'));
    std::uint32_t major = 0;
    for (char c : version) {
        if (c < '0' || c > '9' || major > 1000) r.fail("the magic's version \"" + std::string(version) + "\" is not a number; the file is corrupt");
        major = major * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (major > supported_major)
        r.fail("written in " + std::string(kind) + " format version " + std::to_string(major) +
               ", newer than this newsclf reads (" + std::to_string(supported_major) + "); upgrade newsclf");
    return major;
}

Header read_header(ByteReader& r, std::string_view kind, std::uint32_t supported_major) {
    Header h;
    h.major = read_magic(r, kind, supported_major);
    h.minor = r.u32("the minor version");
    float one = r.f32("the sanity block"), minus_half = r.f32("the sanity block");
    std::uint64_t unit = r.u64("the sanity block");
    if (one != 1.0f || minus_half != -0.5f || unit != 1)
        r.fail("the sanity block does not read as 1.0, -0.5, 1: the file was written with another byte order or "
               "width, or is corrupt; re-create it on this machine");
    std::uint32_t count = r.u32("the metadata count");
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string key = r.string16("a metadata key");
        auto type = static_cast<format::ValueType>(r.u8("a metadata type"));
        switch (type) {
        case format::ValueType::u64: h.metadata[key] = r.u64("a metadata value"); break;
        case format::ValueType::f64: h.metadata[key] = r.f64("a metadata value"); break;
        case format::ValueType::string: h.metadata[key] = r.string64("a metadata value"); break;
        case format::ValueType::json: h.metadata[key] = JsonText{r.string64("a metadata value")}; break;
        default: r.fail("metadata \"" + printable(key) + "\" has unknown type " + std::to_string(static_cast<int>(type)) + "; the file is corrupt or newer than this newsclf");
        }
    }
    return h;
}

namespace {

std::uint32_t crc32_serial(std::string_view bytes, std::uint32_t crc) {
    while (!bytes.empty()) {
        std::size_t n = std::min<std::size_t>(bytes.size(), 1u << 30);
        crc = static_cast<std::uint32_t>(::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n)));
        bytes.remove_prefix(n);
    }
    return crc;
}

}  // namespace

std::uint32_t crc32_of(std::string_view bytes, std::uint32_t crc) {
    // A model or token stream of tens of megabytes: its parts on every CPU, their CRCs joined.
    constexpr std::size_t part_bytes = 8 << 20;
    const std::size_t parts = std::min(resolve_threads(0), bytes.size() / part_bytes);
    if (parts < 2) return crc32_serial(bytes, crc);
    const std::size_t each = (bytes.size() + parts - 1) / parts;
    std::vector<std::uint32_t> crcs(parts);
    parallel_for(parts, parts, [&](std::size_t k) { crcs[k] = crc32_serial(bytes.substr(k * each, each), 0); });
    for (std::size_t k = 0; k < parts; ++k) crc = crc32_joined(crc, crcs[k], bytes.substr(k * each, each).size());
    return crc;
}

std::uint32_t crc32_joined(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b) {
    return static_cast<std::uint32_t>(::crc32_combine64(crc_a, crc_b, static_cast<z_off64_t>(length_b)));
}

std::string make_trailer(std::uint64_t body_length, std::uint64_t items, std::uint32_t body_crc) {
    ByteWriter w;
    w.raw(format::trailer_magic);
    w.u64(body_length);
    w.u64(items);
    w.u32(body_crc);
    return std::move(w.bytes());
}

std::string_view verify_trailer(std::string_view bytes, const std::string& source, std::uint64_t* items,
                                std::uint32_t* body_crc) {
    if (bytes.size() < format::trailer_size ||
        bytes.substr(bytes.size() - format::trailer_size, format::trailer_magic.size()) != format::trailer_magic)
        throw FormatError(source + ": truncated: the end marker is missing (" + std::to_string(bytes.size()) +
                          " bytes); the file was cut short or is still being written, so re-create it");
    std::string_view body = bytes.substr(0, bytes.size() - format::trailer_size);
    ByteReader r(bytes.substr(body.size() + format::trailer_magic.size()), source);
    std::uint64_t length = r.u64("the trailer");
    std::uint64_t count = r.u64("the trailer");
    std::uint32_t crc = r.u32("the trailer");
    if (length != body.size())
        throw FormatError(source + ": the trailer records " + std::to_string(length) + " bytes but " +
                          std::to_string(body.size()) + " precede it; the file is damaged, so re-create it");
    if (crc32_of(body) != crc) throw FormatError(source + ": checksum mismatch: the file is corrupt; re-create it");
    if (items) *items = count;
    if (body_crc) *body_crc = crc;
    return body;
}

}  // namespace newsclf
