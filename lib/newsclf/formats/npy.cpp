#include "newsclf/formats/npy.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <regex>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"

namespace newsclf {

namespace {
constexpr std::string_view npy_magic("\x93NUMPY", 6);
}

bool is_npy(std::string_view bytes) { return bytes.substr(0, npy_magic.size()) == npy_magic; }

std::string npy_bytes(const Matrix& m) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(m.shape(0)) + ", " +
                         std::to_string(m.shape(1)) + "), }";
    std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    ByteWriter w;
    w.raw(npy_magic);
    w.u8(1);
    w.u8(0);
    w.u16(static_cast<std::uint16_t>(header.size()));
    w.raw(header);
    w.f32_array(m.data(), m.size());
    return std::move(w.bytes());
}

Matrix parse_npy(std::string_view bytes, const std::string& source) {
    ByteReader r(bytes, source);
    if (r.raw(6, "the .npy magic") != npy_magic) r.fail("not a .npy file (no \\x93NUMPY magic)");
    std::uint8_t major = r.u8("the .npy version");
    r.u8("the .npy version");
    std::size_t header_len = major == 1 ? r.u16("the .npy header length") : r.u32("the .npy header length");
    if (major < 1 || major > 3) r.fail(".npy version " + std::to_string(major) + " is not supported");
    std::string header(r.raw(header_len, "the .npy header"));
    // Compiled once: compiling them took longer than reading a small matrix.
    static const std::regex descr_pattern("'descr':\\s*'([<>|=]?[a-z]\\d+)'");
    static const std::regex fortran_pattern("'fortran_order':\\s*True");
    static const std::regex shape_pattern("'shape':\\s*\\((\\d+),\\s*(\\d+),?\\s*\\)");
    std::smatch m;
    if (!std::regex_search(header, m, descr_pattern))
        r.fail("the .npy header has no 'descr'");
    std::string descr = m[1];
    if (descr != "<f4" && descr != "<f8")
        r.fail("the array's dtype is " + descr + "; newsclf reads little-endian float32 or float64 (astype('<f4'))");
    if (std::regex_search(header, fortran_pattern))
        r.fail("the array is in Fortran order; save it with numpy.ascontiguousarray");
    if (!std::regex_search(header, m, shape_pattern))
        r.fail("the array is not 2-D (rows, dimensions)");
    if (m[1].length() > 19 || m[2].length() > 19) r.fail("the array's shape is too large; the file is corrupt");
    std::size_t rows = std::stoull(m[1]), cols = std::stoull(m[2]);
    std::size_t width = descr == "<f4" ? 4 : 8;
    if (cols == 0 || rows > r.remaining() / width / cols || rows * cols * width != r.remaining()) {
        // A shape may claim more bytes than 64 bits count: say so rather than print the wrapped product.
        const bool countable = cols == 0 || rows <= std::numeric_limits<std::size_t>::max() / width / cols;
        r.fail("holds " + std::to_string(r.remaining()) + " data bytes, but shape (" + std::to_string(rows) + ", " +
               std::to_string(cols) + ") needs " +
               (countable ? std::to_string(rows * cols * width) : "more than 2^64") + "; the file is truncated or corrupt");
    }
    Matrix out = Matrix::from_shape({rows, cols});
    if (width == 4) {
        r.f32_array(out.data(), rows * cols, "the .npy data");
    } else {
        for (std::size_t i = 0; i < rows * cols; ++i) out.data()[i] = static_cast<float>(r.f64("the .npy data"));
    }
    // A NaN or an infinity would poison every model trained on the matrix, silently.
    for (std::size_t i = 0; i < rows * cols; ++i)
        if (!std::isfinite(out.data()[i]))
            throw DataError(source + ": row " + std::to_string(i / cols) + ", column " + std::to_string(i % cols) +
                            " holds " + (std::isnan(out.data()[i]) ? "NaN" : "a value beyond float32's range") +
                            "; every value must be a finite number");
    return out;
}

}  // namespace newsclf
