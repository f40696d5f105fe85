// How much memory this process may still take: what the machine has available, under the
// process's address-space limit (ulimit -v) and its control group's limit (a container's).
#pragma once
#include <cstddef>
#include <string>

namespace newsclf {

struct MemoryBudget {
    double bytes = 0;
    std::string limited_by;  // "available memory", "ulimit -v", "the control group's memory.max"
};

MemoryBudget memory_budget();
// Makes the allocator keep memory that is freed for the next allocations (up to 256 MB, and
// blocks up to 32 MB from its heap) instead of handing it back to the system at once: the
// tools' buffers of a block of lines or records, freed and made again, then cost no new page
// faults (a tenth of newsclf-tokenize's time).
void reuse_freed_memory();
// "1.5 GB", "320 MB", "12 kB": decimal units, two or three significant digits.
std::string memory_text(double bytes);

}  // namespace newsclf
