// Bytes set aside until a pass over a whole input is done: an unlinked temporary file in $TMPDIR
// (or /tmp), so that memory does not grow with the input and nothing is left behind, whatever
// ends the process. (The page cache holds it as well as memory would: fresh memory for the same
// bytes made newsclf-tokenize slower, by its page faults.)
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace newsclf {

class SpillFile {
public:
    SpillFile() = default;
    ~SpillFile();
    SpillFile(const SpillFile&) = delete;
    SpillFile& operator=(const SpillFile&) = delete;
    // Appends bytes as one piece, to be read back whole by next_piece.
    void write_piece(std::string_view bytes);
    // Reading from the first piece again.
    void rewind();
    // The next piece into `piece`; false after the last.
    bool next_piece(std::string& piece);
    std::uint64_t bytes() const { return size_; }

private:
    void write_all(const void* data, std::size_t n);
    bool read_all(void* data, std::size_t n);
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

}  // namespace newsclf
