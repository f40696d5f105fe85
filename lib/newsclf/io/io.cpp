#include "newsclf/io/io.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>
#include <cstring>

#include "newsclf/base/error.hpp"

namespace newsclf {

bool is_stdio(const std::string& path) { return path.empty() || path == "-"; }
std::string display_name(const std::string& path) { return is_stdio(path) ? "<stdin>" : path; }

namespace {

std::string read_fd(int fd, const std::string& name) {
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

std::string decompress_xz(const std::string& in, const std::string& source) {
    lzma_stream strm = LZMA_STREAM_INIT;
    // Files written in several blocks (xz -T) are decoded by one thread per core.
    lzma_mt mt{};
    mt.flags = LZMA_CONCATENATED;
    mt.threads = std::max(1u, std::thread::hardware_concurrency());
    mt.memlimit_threading = lzma_physmem() / 4;
    mt.memlimit_stop = UINT64_MAX;
    if (lzma_stream_decoder_mt(&strm, &mt) != LZMA_OK)
        throw IoError(source + ": cannot start the xz decoder");
    std::string out;
    out.resize(in.size() * 4 + 4096);
    strm.next_in = reinterpret_cast<const uint8_t*>(in.data());
    strm.avail_in = in.size();
    lzma_ret ret = LZMA_OK;
    while (ret == LZMA_OK) {
        if (strm.total_out == out.size()) out.resize(out.size() * 2);
        strm.next_out = reinterpret_cast<uint8_t*>(&out[strm.total_out]);
        strm.avail_out = out.size() - strm.total_out;
        ret = lzma_code(&strm, strm.avail_in > 0 ? LZMA_RUN : LZMA_FINISH);  // FINISH early would stop the threads
    }
    std::size_t total = strm.total_out;
    lzma_end(&strm);
    if (ret != LZMA_STREAM_END)
        throw DataError(source + ": xz data is corrupt or truncated (lzma error " + std::to_string(ret) + ")");
    out.resize(total);
    return out;
}

std::string decompress_gzip(const std::string& in, const std::string& source) {
    z_stream strm{};
    if (inflateInit2(&strm, 16 + MAX_WBITS) != Z_OK) throw IoError(source + ": cannot start the gzip decoder");
    std::string out;
    out.resize(in.size() * 4 + 4096);
    strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    std::size_t consumed = 0, produced = 0;
    int ret = Z_OK;
    for (;;) {
        if (produced == out.size()) out.resize(out.size() * 2);
        std::size_t in_chunk = std::min<std::size_t>(in.size() - consumed, 1u << 30);
        std::size_t out_chunk = std::min<std::size_t>(out.size() - produced, 1u << 30);
        strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
        strm.avail_in = static_cast<uInt>(in_chunk);
        strm.next_out = reinterpret_cast<Bytef*>(&out[produced]);
        strm.avail_out = static_cast<uInt>(out_chunk);
        ret = inflate(&strm, Z_NO_FLUSH);
        consumed += in_chunk - strm.avail_in;
        produced += out_chunk - strm.avail_out;
        if (ret == Z_STREAM_END) {
            if (consumed < in.size()) {  // concatenated members, as gzip -dc reads them
                inflateReset(&strm);
                continue;
            }
            break;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) break;
        if (ret == Z_BUF_ERROR && consumed == in.size() && produced < out.size()) break;
    }
    inflateEnd(&strm);
    if (ret != Z_STREAM_END)
        throw DataError(source + ": gzip data is corrupt or truncated (zlib error " + std::to_string(ret) + ")");
    out.resize(produced);
    return out;
}

}  // namespace

namespace {
bool is_xz(std::string_view b) { return b.size() >= 6 && std::memcmp(b.data(), "\xFD" "7zXZ\0", 6) == 0; }
bool is_gzip(std::string_view b) {
    return b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1F && static_cast<unsigned char>(b[1]) == 0x8B;
}
}  // namespace

std::string decompress_if_compressed(std::string bytes, const std::string& source) {
    if (is_xz(bytes)) return decompress_xz(bytes, source);
    if (is_gzip(bytes)) return decompress_gzip(bytes, source);
    return bytes;
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
    if (is_stdio(path)) return InputBytes(decompress_if_compressed(read_fd(0, name), name));
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(name + ": cannot open: " + std::strerror(errno));
    struct stat st;
    InputBytes bytes;
    try {
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
            bytes = InputBytes::map(fd, static_cast<std::size_t>(st.st_size), name);
        else
            bytes = InputBytes(read_fd(fd, name));
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    if (is_xz(bytes) || is_gzip(bytes)) return InputBytes(decompress_if_compressed(bytes.str(), name));
    return bytes;
}

LineReader::LineReader(const std::string& path) : name_(display_name(path)) {
    if (is_stdio(path)) {
        fd_ = 0;
        owns_fd_ = false;
    } else {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw IoError(name_ + ": cannot open: " + std::strerror(errno));
        owns_fd_ = true;
    }
}

LineReader::~LineReader() {
    if (owns_fd_) ::close(fd_);
}

bool LineReader::fill() {
    if (eof_) return false;
    if (start_ > 0) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    char chunk[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw IoError(name_ + ": cannot read: " + std::strerror(errno));
        if (n == 0) {
            eof_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        if (first_read_) {
            first_read_ = false;
            // Compressed input cannot be read line by line: take it whole and decompress it.
            while (buffer_.size() < 6 && (n = ::read(fd_, chunk, sizeof chunk)) > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
            if (is_xz(buffer_) || is_gzip(buffer_)) {
                buffer_ = decompress_if_compressed(buffer_ + read_fd(fd_, name_), name_);
                eof_ = true;
            }
        }
        return true;
    }
}

bool LineReader::next(std::string& line) {
    std::size_t searched = start_;
    for (;;) {
        std::size_t nl = buffer_.find('\n', searched);
        if (nl != std::string::npos) {
            ++line_number_;
            if (nl - start_ > max_line_bytes)
                throw DataError(where(name_, line_number_) + "line is longer than " + std::to_string(max_line_bytes) +
                                " bytes; is this a headline file?");
            line.assign(buffer_, start_, nl - start_);
            start_ = nl + 1;
            return true;
        }
        if (buffer_.size() - start_ > max_line_bytes)
            throw DataError(where(name_, line_number_ + 1) + "line is longer than " + std::to_string(max_line_bytes) +
                            " bytes; is this a headline file?");
        std::size_t pending = buffer_.size() - start_;
        if (!fill()) {
            if (buffer_.size() == start_) return false;
            ++line_number_;
            line.assign(buffer_, start_, std::string::npos);
            start_ = buffer_.size();
            return true;
        }
        searched = start_ + pending;
    }
}

namespace {

// The registry of temporaries: fixed storage, so that a signal handler reads it without allocating.
// A slot is free (0), being filled (1) or holds a path (2).
constexpr std::size_t temporary_slots = 64;
constexpr std::size_t temporary_path_bytes = 4096;
struct TemporarySlot {
    std::atomic<int> state{0};
    char path[temporary_path_bytes];
};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free state");
TemporarySlot g_temporaries[temporary_slots];

int register_temporary(const std::string& path) {
    if (path.size() >= temporary_path_bytes) return -1;
    for (std::size_t i = 0; i < temporary_slots; ++i) {
        int expected = 0;
        if (!g_temporaries[i].state.compare_exchange_strong(expected, 1)) continue;
        std::memcpy(g_temporaries[i].path, path.c_str(), path.size() + 1);
        g_temporaries[i].state.store(2);
        return static_cast<int>(i);
    }
    return -1;  // more open outputs than slots: this one is not removed by a signal
}

void unregister_temporary(int slot) {
    if (slot >= 0) g_temporaries[slot].state.store(0);
}

extern "C" void on_stop_signal(int signal) { remove_temporaries_and_exit(signal); }

}  // namespace

void remove_temporaries_and_exit(int signal) {
    for (auto& slot : g_temporaries)
        if (slot.state.load() == 2) ::unlink(slot.path);
    // Dying by the signal itself tells a calling shell that the run was interrupted (it stops a
    // script at Ctrl-C), where an exit status would not.
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(signal);
    ::_exit(128 + signal);
}

void remove_temporaries_on_signals() {
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        if (::sigaction(signal, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        for (int other : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&action.sa_mask, other);
        ::sigaction(signal, &action, nullptr);
    }
}

bool is_registered_temporary(const std::string& path) {
    for (const auto& slot : g_temporaries)
        if (slot.state.load() == 2 && path == slot.path) return true;
    return false;
}

OutputFile::OutputFile(const std::string& path) : path_(path) {
    if (is_stdio(path)) {
        name_ = "<stdout>";
        file_ = stdout;
        return;
    }
    name_ = path;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        // A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place: a rename would
        // replace it with a regular file.
        file_ = std::fopen(path.c_str(), "wb");
        if (!file_) throw IoError(path + ": cannot open: " + std::strerror(errno));
        in_place_ = true;
        return;
    }
    temp_ = path + ".tmp." + std::to_string(::getpid());
    registration_ = register_temporary(temp_);  // before the file exists, so that no signal can miss it
    file_ = std::fopen(temp_.c_str(), "wb");
    if (!file_) {
        const int error = errno;
        unregister_temporary(registration_);
        throw IoError(path + ": cannot create " + temp_ + ": " + std::strerror(error));
    }
}

OutputFile::~OutputFile() {
    if (file_ == stdout) {
        std::fflush(stdout);
        return;
    }
    if (in_place_) {
        if (file_) std::fclose(file_);
        return;
    }
    if (!committed_ && file_) {
        std::fclose(file_);
        std::remove(temp_.c_str());
    }
    unregister_temporary(registration_);
}

void OutputFile::write(std::string_view bytes) {
    if (bytes.empty()) return;
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
        throw IoError(name_ + ": cannot write: " + std::strerror(errno));
}

void OutputFile::flush() {
    if (std::fflush(file_) != 0) throw IoError(name_ + ": cannot write: " + std::strerror(errno));
}

void OutputFile::commit() {
    flush();
    if (file_ == stdout) return;
    if (in_place_) {
        const int closed = std::fclose(file_);
        file_ = nullptr;
        if (closed != 0) throw IoError(name_ + ": cannot write: " + std::strerror(errno));
        return;
    }
    if (::fsync(fileno(file_)) != 0 && errno != EINVAL)
        throw IoError(name_ + ": cannot sync: " + std::strerror(errno));
    if (std::fclose(file_) != 0) {
        file_ = nullptr;
        std::remove(temp_.c_str());
        throw IoError(name_ + ": cannot write: " + std::strerror(errno));
    }
    file_ = nullptr;
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
        const int error = errno;
        std::remove(temp_.c_str());
        unregister_temporary(registration_);
        registration_ = -1;
        throw IoError(name_ + ": cannot rename " + temp_ + ": " + std::strerror(error));
    }
    unregister_temporary(registration_);
    registration_ = -1;
    committed_ = true;
}

void write_bytes(const std::string& path, std::string_view bytes) {
    OutputFile out(path);
    out.write(bytes);
    out.commit();
}

}  // namespace newsclf
