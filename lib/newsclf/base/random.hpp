// Mersenne Twister seeded and drawn exactly as CPython's random module does, so that a row
// split with seed 99 is the same split Python's random.Random(99).shuffle makes.
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

}  // namespace newsclf
