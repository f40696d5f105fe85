// Output files that appear only when whole: written under a temporary name, renamed on commit.
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

namespace newsclf {

// An output that appears only when whole: a file is written as "<path>.tmp.<pid>" and renamed by
// commit(); destroyed uncommitted, the temporary is removed. "-" writes to stdout, and a path that
// is a device or a pipe (/dev/null, a FIFO) is written in place. While it is uncommitted the
// temporary's path is registered (temporaries.hpp), so that a signal ending the process removes it
// too (remove_temporaries_on_signals).
class OutputFile {
public:
    explicit OutputFile(const std::string& path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    void write(std::string_view bytes);
    void flush();
    void commit();
    const std::string& name() const { return name_; }

private:
    std::string path_;
    std::string temp_;
    std::string name_;
    std::FILE* file_;
    bool committed_ = false;
    bool in_place_ = false;  // a device or pipe, written without a temporary
    int registration_ = -1;  // slot of the temporary in the registry, or -1
};

// Writes bytes to path (or stdout) through an OutputFile in one go.
void write_bytes(const std::string& path, std::string_view bytes);

}  // namespace newsclf
