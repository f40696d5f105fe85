// Large buffers on transparent huge pages (Linux, "madvise" mode): each first touch of a 4 kB page
// is a fault, which on a virtual machine takes microseconds, and random reads over a large table
// miss the TLB far less on 2 MB pages. Only advice: where the kernel declines, nothing changes.
#pragma once
#include <cstddef>
#include <vector>

namespace newsclf {

// Asks for the whole 2 MB pages inside [data, data + bytes) to be huge pages.
void advise_huge_pages(void* data, std::size_t bytes);

// v = n copies of value, in a new allocation advised onto huge pages before its first touch.
template <class T>
void assign_on_huge_pages(std::vector<T>& v, std::size_t n, const T& value = T()) {
    v = std::vector<T>();
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
    v.assign(n, value);
}

}  // namespace newsclf
