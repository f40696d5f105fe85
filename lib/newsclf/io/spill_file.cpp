#include "newsclf/io/spill_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "newsclf/base/error.hpp"

namespace newsclf {
namespace {

std::string spill_directory() {
    const char* dir = std::getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

}  // namespace

SpillFile::~SpillFile() {
    if (fd_ >= 0) ::close(fd_);
}

void SpillFile::write_all(const void* data, std::size_t n) {
    if (fd_ < 0) {
        std::string name = spill_directory() + "/newsclf-spill.XXXXXX";
        std::vector<char> path(name.begin(), name.end());
        path.push_back('\0');
        fd_ = ::mkstemp(path.data());
        if (fd_ < 0) throw IoError(name.substr(0, name.size() - 7) + ": cannot create a temporary file: " + std::strerror(errno));
        ::unlink(path.data());  // gone from the directory at once: nothing to clean up
    }
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw IoError(spill_directory() + ": cannot write a temporary file: " + std::strerror(errno));
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

bool SpillFile::read_all(void* data, std::size_t n) {
    char* p = static_cast<char*>(data);
    while (n > 0) {
        ssize_t r = ::read(fd_, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) throw IoError(spill_directory() + ": cannot read a temporary file: " + std::strerror(errno));
        if (r == 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

void SpillFile::write_piece(std::string_view bytes) {
    const std::uint64_t n = bytes.size();
    write_all(&n, sizeof n);
    write_all(bytes.data(), bytes.size());
    size_ += sizeof n + n;
}

void SpillFile::rewind() {
    if (fd_ >= 0 && ::lseek(fd_, 0, SEEK_SET) != 0) throw IoError(spill_directory() + ": cannot read a temporary file again: " + std::strerror(errno));
}

bool SpillFile::next_piece(std::string& piece) {
    std::uint64_t n = 0;
    if (fd_ < 0 || !read_all(&n, sizeof n)) return false;
    piece.resize(static_cast<std::size_t>(n));
    if (!read_all(piece.data(), piece.size())) throw IoError(spill_directory() + ": a temporary file was cut short");
    return true;
}

}  // namespace newsclf
