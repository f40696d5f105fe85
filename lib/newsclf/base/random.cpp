#include "newsclf/base/random.hpp"

namespace newsclf {

PythonRandom::PythonRandom(std::uint64_t seed) {
    std::vector<std::uint32_t> key;
    do {
        key.push_back(static_cast<std::uint32_t>(seed));
        seed >>= 32;
    } while (seed != 0);
    init_by_array(key);
}

void PythonRandom::init_by_array(const std::vector<std::uint32_t>& key) {
    state_[0] = 19650218u;
    for (int i = 1; i < 624; ++i) state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + i;
    index_ = 624;
    std::uint32_t i = 1, j = 0;
    std::size_t n = key.size();
    for (std::size_t k = 624 > n ? 624 : n; k; --k) {
        state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1664525u)) + key[j] + j;
        ++i;
        ++j;
        if (i >= 624) { state_[0] = state_[623]; i = 1; }
        if (j >= n) j = 0;
    }
    for (std::uint32_t k = 623; k; --k) {
        state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1566083941u)) - i;
        ++i;
        if (i >= 624) { state_[0] = state_[623]; i = 1; }
    }
    state_[0] = 0x80000000u;
}

std::uint32_t PythonRandom::next_u32() {
    if (index_ >= 624) {
        for (int k = 0; k < 624; ++k) {
            std::uint32_t y = (state_[k] & 0x80000000u) | (state_[(k + 1) % 624] & 0x7fffffffu);
            state_[k] = state_[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        index_ = 0;
    }
    std::uint32_t y = state_[index_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

std::uint32_t PythonRandom::getrandbits(int k) { return next_u32() >> (32 - k); }

std::uint64_t PythonRandom::randbelow(std::uint64_t n) {
    if (n == 0) return 0;  // randbelow(1) still draws a word, as Python's does
    int k = 64 - __builtin_clzll(n);  // n.bit_length()
    if (k <= 32) {
        std::uint64_t r = getrandbits(k);
        while (r >= n) r = getrandbits(k);
        return r;
    }
    // getrandbits(k > 32) fills 32-bit words from the least significant end
    for (;;) {
        std::uint64_t low = next_u32();
        std::uint64_t high = next_u32() >> (64 - k);
        std::uint64_t r = (high << 32) | low;
        if (r < n) return r;
    }
}

double PythonRandom::random() {
    std::uint32_t a = next_u32() >> 5, b = next_u32() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

}  // namespace newsclf
