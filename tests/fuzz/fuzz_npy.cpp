// NumPy .npy matrices from untrusted bytes, as newsclf-fit reads its --embedding; a matrix read
// is written again and must read back the same.
#include <cstdint>
#include <string>
#include <string_view>

#include "newsclf/base/error.hpp"
#include "newsclf/formats/npy.hpp"

using namespace newsclf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    Matrix m;
    try {
        m = parse_npy(bytes, "fuzz");
    } catch (const Error&) {
        return 0;
    }
    Matrix again = parse_npy(npy_bytes(m), "fuzz again");
    if (again.shape() != m.shape() || !std::equal(m.begin(), m.end(), again.begin())) __builtin_trap();
    return 0;
}
