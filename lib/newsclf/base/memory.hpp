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
// "1.5 GB", "320 MB", "12 kB": decimal units, two or three significant digits.
std::string memory_text(double bytes);

}  // namespace newsclf
