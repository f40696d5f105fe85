// Whole inputs: regular files mapped, stdin and pipes read, compressed data decompressed.
#include "newsclf/io/input_bytes.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "newsclf/base/error.hpp"
#include "newsclf/io/decompression.hpp"
#include "newsclf/io/standard_streams.hpp"

namespace newsclf {

std::string read_all(int fd, const std::string& name) {
    std::string out;
    char chunk[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError(name + ": cannot read: " + std::strerror(errno));
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
}

InputBytes::InputBytes(InputBytes&& other) noexcept
    : owned_(std::move(other.owned_)), mapped_(other.mapped_), mapped_size_(other.mapped_size_) {
    other.mapped_ = nullptr;
    other.mapped_size_ = 0;
}

InputBytes& InputBytes::operator=(InputBytes&& other) noexcept {
    if (this != &other) {
        if (mapped_) ::munmap(mapped_, mapped_size_);
        owned_ = std::move(other.owned_);
        mapped_ = other.mapped_;
        mapped_size_ = other.mapped_size_;
        other.mapped_ = nullptr;
        other.mapped_size_ = 0;
    }
    return *this;
}

InputBytes::~InputBytes() {
    if (mapped_) ::munmap(mapped_, mapped_size_);
}

InputBytes InputBytes::map(int fd, std::size_t size, const std::string& name) {
    InputBytes bytes;
    if (size == 0) return bytes;
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) throw IoError(name + ": cannot map: " + std::strerror(errno));
    bytes.mapped_ = static_cast<char*>(p);
    bytes.mapped_size_ = size;
    return bytes;
}

InputBytes read_bytes(const std::string& path) {
    std::string name = display_name(path);
    if (is_stdio(path)) return InputBytes(decompress_if_compressed(read_all(0, name), name));
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(name + ": cannot open: " + std::strerror(errno));
    struct stat st;
    InputBytes bytes;
    try {
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
            bytes = InputBytes::map(fd, static_cast<std::size_t>(st.st_size), name);
        else
            bytes = InputBytes(read_all(fd, name));
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    if (is_compressed(bytes)) return InputBytes(decompress_if_compressed(bytes.str(), name));
    return bytes;
}

std::string_view without_utf8_bom(std::string_view text) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    return text.substr(0, bom.size()) == bom ? text.substr(bom.size()) : text;
}

}  // namespace newsclf
