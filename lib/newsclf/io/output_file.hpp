// Output files that appear only when whole: written under a temporary name, renamed on commit.
#pragma once
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace newsclf {

// An output that appears only when whole: a file is written as ".<name>.newsclf-tmp.<pid>" beside
// it and renamed by commit(), so that the path holds the whole old file or the whole new one, never
// a mix; destroyed uncommitted, the temporary is removed. A path that is a symbolic link is written
// through: its target is replaced and the link kept. Opening removes the temporaries of the same
// path whose writers no longer run (temporaries.hpp). "-" writes to stdout, and a path that is a
// device or a pipe (/dev/null, a FIFO) is written in place. While it is uncommitted the
// temporary's path is registered, so that a signal ending the process removes it too
// (remove_temporaries_on_signals).
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
    static constexpr std::size_t writeback_bytes = 4 << 20;
    void start_writeback();

    std::string path_;
    std::string temp_;
    std::string name_;
    std::FILE* file_;
    bool committed_ = false;
    bool in_place_ = false;  // a device or pipe, written without a temporary
    int registration_ = -1;  // slot of the temporary in the registry, or -1
    std::size_t written_ = 0;         // bytes written so far
    std::size_t writeback_from_ = 0;  // the first byte not yet sent to the disk ahead of commit()
};

// A UsageError, naming both, when output is an existing file that one of the inputs names too:
// the same path, or the same file (device and inode) through another name, a symbolic or a hard
// link; "-" among the inputs is standard input. To be called before anything is read.
void refuse_output_over_inputs(const std::string& output, const std::vector<std::string>& inputs);

// Writes bytes to path (or stdout) through an OutputFile in one go.
void write_bytes(const std::string& path, std::string_view bytes);

}  // namespace newsclf
