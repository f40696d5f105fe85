// Unit tests of npy.hpp: the .npy bytes newsclf writes are the bytes NumPy writes, NumPy-written
// files are read (float32, and float64 converted), and other arrays are refused.
#include "newsclf/formats/npy.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/container.hpp"
#include "test_support.hpp"

using namespace newsclf;
using namespace newsclf::test;

namespace {

// A version 1.0 .npy file with the given header dictionary, padded as NumPy pads it, and data.
std::string npy_with_header(const std::string& dict, const std::string& data, std::uint8_t major = 1) {
    std::string header = dict;
    std::size_t prefix = major == 1 ? 10 : 12;
    header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    ByteWriter w;
    w.raw(std::string("\x93NUMPY", 6));
    w.u8(major);
    w.u8(0);
    if (major == 1) w.u16(static_cast<std::uint16_t>(header.size()));
    else w.u32(static_cast<std::uint32_t>(header.size()));
    w.raw(header);
    w.raw(data);
    return w.bytes();
}

std::string f32_data(std::initializer_list<float> values) {
    ByteWriter w;
    for (float v : values) w.f32(v);
    return w.bytes();
}

// The message of the FormatError that parse_npy throws for bytes.
std::string format_error(const std::string& bytes) {
    return message_of<FormatError>([&] { parse_npy(bytes, "m.npy"); });
}

Matrix sample_matrix() {
    Matrix m = Matrix::from_shape({3, 4});
    for (std::size_t i = 0; i < 12; ++i) m.data()[i] = (static_cast<float>(i) - 5.5f) / 4.0f;
    return m;
}

}  // namespace

TEST_CASE("npy_bytes writes NumPy's version 1.0 header") {
    std::string bytes = npy_bytes(sample_matrix());
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    std::size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    CHECK((10 + header_len) % 64 == 0);
    std::string header = bytes.substr(10, header_len);
    CHECK(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", 0) == 0);
    CHECK(header.back() == '\n');
    CHECK(header.find_first_not_of(' ', 60) == header_len - 1);
    CHECK(bytes.size() == 10 + header_len + 12 * 4);
}

TEST_CASE("npy_bytes and parse_npy round trip") {
    Matrix m = sample_matrix();
    m(2, 3) = -0.0f;
    m(0, 0) = std::numeric_limits<float>::denorm_min();
    Matrix back = parse_npy(npy_bytes(m), "m.npy");
    REQUIRE(back.shape(0) == 3);
    REQUIRE(back.shape(1) == 4);
    CHECK(std::memcmp(back.data(), m.data(), 12 * sizeof(float)) == 0);

    Matrix wide = Matrix::from_shape({1, 1000});
    for (std::size_t i = 0; i < 1000; ++i) wide.data()[i] = std::sin(static_cast<float>(i));
    Matrix wide_back = parse_npy(npy_bytes(wide), "w.npy");
    CHECK(wide_back == wide);

    Matrix empty = Matrix::from_shape({0, 5});
    Matrix empty_back = parse_npy(npy_bytes(empty), "e.npy");
    CHECK(empty_back.shape(0) == 0);
    CHECK(empty_back.shape(1) == 5);
}

TEST_CASE("a float32 array written by NumPy is read, and written back to the same bytes") {
    // numpy.save("numpy_f32.npy", (numpy.arange(12, dtype="<f4").reshape(3, 4) - 5.5) / 4)
    const std::string bytes = read_fixture("numpy_f32.npy");
    Matrix m = parse_npy(bytes, "numpy_f32.npy");
    REQUIRE(m.shape(0) == 3);
    REQUIRE(m.shape(1) == 4);
    CHECK(m(0, 0) == -1.375f);
    CHECK(m(1, 2) == 0.125f);
    CHECK(m(2, 3) == 1.375f);
    CHECK(m == sample_matrix());
    CHECK(npy_bytes(m) == bytes);
}

TEST_CASE("a float64 array written by NumPy is converted to float32") {
    // numpy.save("numpy_f64.npy", numpy.array([[0.5, -1.25, 3.0], [1e-3, 2.0**-20, -0.0]], dtype="<f8"))
    Matrix m = parse_npy(read_fixture("numpy_f64.npy"), "numpy_f64.npy");
    REQUIRE(m.shape(0) == 2);
    REQUIRE(m.shape(1) == 3);
    CHECK(m(0, 0) == 0.5f);
    CHECK(m(0, 1) == -1.25f);
    CHECK(m(0, 2) == 3.0f);
    CHECK(m(1, 0) == static_cast<float>(1e-3));
    CHECK(m(1, 1) == std::ldexp(1.0f, -20));
    CHECK(m(1, 2) == 0.0f);
    CHECK(std::signbit(m(1, 2)));

    ByteWriter data;
    data.f64(1.0 / 3.0);
    data.f64(-1e300);  // beyond float: infinity, as numpy's astype gives, so refused
    const std::string c = npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }", data.bytes());
    CHECK(contains(message_of<DataError>([&] { parse_npy(c, "c"); }), "c: row 1, column 0 holds a value beyond float32's range"));
}

TEST_CASE("the committed fixture tiny.npy, made by newsclf-embed, reads and writes back byte for byte") {
    const std::string bytes = read_fixture("tiny.npy");
    Matrix m = parse_npy(bytes, "tiny.npy");
    REQUIRE(m.shape(0) == 50);
    REQUIRE(m.shape(1) == 100);
    std::size_t zero_rows = 0;
    for (std::size_t r = 0; r < 50; ++r) {
        bool zero = true;
        for (std::size_t c = 0; c < 100; ++c) zero = zero && m(r, c) == 0.0f;
        zero_rows += zero;
    }
    for (std::size_t c = 0; c < 100; ++c) CHECK(m(0, c) == 0.0f);  // padding
    CHECK(zero_rows == 5);  // padding and the 4 of 49 words without a GloVe vector
    CHECK(npy_bytes(m) == bytes);
}

TEST_CASE("a version 2.0 header is read") {
    Matrix m = parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                                         f32_data({1.5f, -2.0f}), 2),
                         "v2.npy");
    REQUIRE(m.shape(0) == 1);
    CHECK(m(0, 1) == -2.0f);
}

TEST_CASE("other arrays are refused with a FormatError that says why") {
    const std::string data = f32_data({1, 2, 3, 4, 5, 6});
    SUBCASE("Fortran order") {
        std::string m = format_error(npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data));
        CHECK(m.rfind("m.npy: ", 0) == 0);
        CHECK(contains(m, "Fortran order"));
    }
    SUBCASE("another dtype") {
        CHECK(contains(format_error(npy_with_header("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data)),
                       "dtype is <i4"));
        CHECK(contains(format_error(npy_with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", data)),
                       "dtype is >f4"));
        CHECK(contains(format_error(npy_with_header("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", data)),
                       "dtype is <f2"));
        CHECK(contains(format_error(npy_with_header("{'fortran_order': False, 'shape': (2, 3), }", data)), "no 'descr'"));
    }
    SUBCASE("not 2-D") {
        CHECK(contains(format_error(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", data)),
                       "not 2-D"));
        CHECK(contains(format_error(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", data)),
                       "not 2-D"));
        CHECK(contains(format_error(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data)),
                       "not 2-D"));
    }
    SUBCASE("data that does not fit the shape") {
        std::string good = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data);
        REQUIRE(parse_npy(good, "ok").shape(1) == 3);
        std::string m = format_error(good.substr(0, good.size() - 1));
        CHECK(m.rfind("m.npy: ", 0) == 0);
        CHECK(contains(m, "truncated"));
        CHECK(contains(format_error(good + "x"), "needs 24"));
        CHECK(contains(format_error(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 0), }", "")),
                       "shape (2, 0)"));
        CHECK(contains(format_error(npy_with_header(
                           "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", data)),
                       "needs more than 2^64"));  // not the product wrapped to 0
        CHECK_THROWS_AS(parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': "
                                                  "(4611686018427387904, 4), }",
                                                  ""),
                                  "wrapped.npy"),
                        FormatError);  // a product that wraps to the 0 bytes it holds
        CHECK_THROWS_AS(parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': "
                                                  "(99999999999999999999999, 4), }",
                                                  data),
                                  "huge.npy"),
                        FormatError);
    }
    SUBCASE("not a .npy file, or an unknown version") {
        CHECK(contains(format_error("ID\tTITLE\n"), "not a .npy file"));
        CHECK(contains(format_error("newsclf-model/1\n"), "not a .npy file"));
        std::string v9 = npy_bytes(sample_matrix());
        v9[6] = 9;
        CHECK(contains(format_error(v9), "version 9"));
    }
}

TEST_CASE("a .npy file cut at any length is refused") {
    const std::string bytes = npy_bytes(sample_matrix());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        CAPTURE(n);
        CHECK_THROWS_AS(parse_npy(std::string_view(bytes).substr(0, n), "cut.npy"), FormatError);
    }
}

TEST_CASE("a NaN or an infinity in a .npy matrix is refused, naming its row and column") {
    Matrix m = Matrix::from_shape({3, 2});
    std::fill(m.begin(), m.end(), 0.5f);
    m(2, 1) = std::numeric_limits<float>::quiet_NaN();
    std::string message = message_of<DataError>([&] { parse_npy(npy_bytes(m), "e.npy"); });
    CHECK(contains(message, "e.npy: row 2, column 1 holds NaN"));
    m(2, 1) = std::numeric_limits<float>::infinity();
    CHECK(contains(message_of<DataError>([&] { parse_npy(npy_bytes(m), "e.npy"); }), "row 2, column 1"));
}

TEST_CASE("is_npy: the magic alone") {
    Matrix m = Matrix::from_shape({2, 3});
    m.fill(1.0f);
    CHECK(is_npy(npy_bytes(m)));
    CHECK_FALSE(is_npy("the 0.1 0.2\n"));
    CHECK_FALSE(is_npy("\x93NUMP"));
    CHECK_FALSE(is_npy(""));
}
