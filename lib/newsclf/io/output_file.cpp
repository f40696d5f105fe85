// Output files written under a temporary name and renamed when whole.
#include "newsclf/io/output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "newsclf/base/error.hpp"
#include "newsclf/io/standard_streams.hpp"
#include "newsclf/io/temporaries.hpp"

namespace newsclf {

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
