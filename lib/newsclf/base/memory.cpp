#include "newsclf/base/memory.hpp"

#include <malloc.h>

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

namespace newsclf {

namespace {

// The value of a "Key:   123 kB" line of a /proc file, in bytes; -1 when absent.
double proc_field_bytes(const char* path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (line.compare(0, key.size() + 1, key + ":") == 0) return 1024.0 * std::strtod(line.c_str() + key.size() + 1, nullptr);
    return -1;
}

// A number from a one-line cgroup file; -1 when absent or "max".
double cgroup_value(const char* path) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") return -1;
    return std::strtod(text.c_str(), nullptr);
}

}  // namespace

MemoryBudget memory_budget() {
    MemoryBudget budget{std::numeric_limits<double>::infinity(), "available memory"};
    const double available = proc_field_bytes("/proc/meminfo", "MemAvailable");
    if (available >= 0) budget.bytes = available;
    rlimit limit{};
    if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        const double left = static_cast<double>(limit.rlim_cur) - proc_field_bytes("/proc/self/status", "VmSize");
        if (left < budget.bytes) budget = {left, "ulimit -v"};
    }
    const double group_max = cgroup_value("/sys/fs/cgroup/memory.max");
    if (group_max >= 0) {
        const double left = group_max - std::max(0.0, cgroup_value("/sys/fs/cgroup/memory.current"));
        if (left < budget.bytes) budget = {left, "the control group's memory.max"};
    }
    budget.bytes = std::max(0.0, budget.bytes);
    return budget;
}

void reuse_freed_memory() {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
}

std::string memory_text(double bytes) {
    static const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
    std::size_t u = 0;
    while (bytes >= 1000 && u + 1 < std::size(units)) bytes /= 1000, ++u;
    char text[48];
    std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return text;
}

}  // namespace newsclf
