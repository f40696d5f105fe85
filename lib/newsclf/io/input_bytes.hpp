// The whole contents of an input: a file mapped into memory, stdin, or decompressed data.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace newsclf {

// The whole contents of an input. A regular file is mapped into memory rather than copied (the
// GloVe file is 300 MB); stdin and decompressed data are held in a string.
class InputBytes {
public:
    InputBytes() = default;
    explicit InputBytes(std::string owned) : owned_(std::move(owned)) {}
    InputBytes(InputBytes&& other) noexcept;
    InputBytes& operator=(InputBytes&& other) noexcept;
    InputBytes(const InputBytes&) = delete;
    InputBytes& operator=(const InputBytes&) = delete;
    ~InputBytes();
    // Maps size bytes of an open regular file.
    static InputBytes map(int fd, std::size_t size, const std::string& name);

    std::string_view view() const { return mapped_ ? std::string_view(mapped_, mapped_size_) : std::string_view(owned_); }
    operator std::string_view() const { return view(); }
    std::string str() const { return std::string(view()); }
    std::size_t size() const { return view().size(); }
    bool empty() const { return view().empty(); }
    friend bool operator==(const InputBytes& a, std::string_view b) { return a.view() == b; }
    friend bool operator==(std::string_view a, const InputBytes& b) { return a == b.view(); }

private:
    std::string owned_;
    char* mapped_ = nullptr;
    std::size_t mapped_size_ = 0;
};

// The text without the UTF-8 byte-order mark some editors put at its start (EF BB BF), which
// would otherwise become part of the first field, or hide the '{' of a JSON Lines file.
std::string_view without_utf8_bom(std::string_view text);

// Whole contents of a file or of stdin ("-" or ""); xz and gzip data are decompressed.
InputBytes read_bytes(const std::string& path);
// The rest of an open file descriptor, up to its end; `name` names it in errors.
std::string read_all(int fd, const std::string& name);

}  // namespace newsclf
