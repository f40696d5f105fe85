// Mersenne Twister seeded and drawn exactly as CPython's random module does, so that a row
// split with seed 99 is the same split Python's random.Random(99).shuffle makes; SplitMix64 for
// the bulk draws (initial tables, dropout masks) where the Twister would cost too much.
#pragma once
#include <cstdint>
#include <vector>

namespace newsclf {

class PythonRandom {
public:
    explicit PythonRandom(std::uint64_t seed);
    std::uint32_t next_u32();
    std::uint32_t getrandbits(int k);  // 1 <= k <= 32
    std::uint64_t randbelow(std::uint64_t n);
    double random();  // [0, 1) with 53 bits, random.random()
    template <class T>
    void shuffle(std::vector<T>& x) {
        for (std::size_t i = x.size(); i-- > 1;) {
            std::size_t j = static_cast<std::size_t>(randbelow(i + 1));
            std::swap(x[i], x[j]);
        }
    }

private:
    void init_by_array(const std::vector<std::uint32_t>& key);
    std::uint32_t state_[624];
    int index_ = 625;
};

// SplitMix64 (Steele, Lea and Flood): a small fast generator, a new value per step of a counter.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [-1, 1) with 24 bits.
    float symmetric() { return static_cast<float>(static_cast<double>(next() >> 40) * (2.0 / 16777216.0) - 1.0); }
};

}  // namespace newsclf
