// PythonRandom against CPython's random module. The expected values come from CPython 3.11's
// random.Random(seed); the generator and its seeding have been stable since Python 3.2.
#include <doctest/doctest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "newsclf/base/random.hpp"

using newsclf::PythonRandom;

namespace {

std::vector<std::size_t> shuffled(std::size_t n, std::uint64_t seed) {
    std::vector<std::size_t> v(n);
    std::iota(v.begin(), v.end(), std::size_t(0));
    PythonRandom(seed).shuffle(v);
    return v;
}

// (h * 1000003 + v) mod (2^61 - 1) over the whole permutation.
std::uint64_t fingerprint(const std::vector<std::size_t>& v) {
    const unsigned __int128 mod = (std::uint64_t(1) << 61) - 1;
    unsigned __int128 h = 0;
    for (auto x : v) h = (h * 1000003 + x) % mod;
    return static_cast<std::uint64_t>(h);
}

}  // namespace

TEST_CASE("getrandbits(32) equals random.Random(seed).getrandbits(32)") {
    // [random.Random(99).getrandbits(32) for _ in range(10)]
    const std::vector<std::uint32_t> seed99 = {1735072617, 1635320116, 859317502, 2574571355, 767950141,
                                               988970880,  1067004398, 572280320, 3263648760, 371851742};
    PythonRandom r(99);
    for (auto expected : seed99) CHECK(r.getrandbits(32) == expected);

    PythonRandom r0(0);
    CHECK(r0.getrandbits(32) == 3626764237u);
    CHECK(r0.getrandbits(32) == 1654615998u);
    CHECK(r0.getrandbits(32) == 3255389356u);

    // Seeds of more than 32 bits become several key words, least significant first.
    PythonRandom big(std::uint64_t(1) << 40);
    CHECK(big.getrandbits(32) == 445128065u);
    CHECK(big.getrandbits(32) == 1517081360u);
    CHECK(big.getrandbits(32) == 2880015531u);
    PythonRandom max32(0xffffffffu);
    CHECK(max32.getrandbits(32) == 2728839433u);
    CHECK(max32.getrandbits(32) == 2661025012u);
    PythonRandom two32(std::uint64_t(1) << 32);
    CHECK(two32.getrandbits(32) == 485306839u);
    CHECK(two32.getrandbits(32) == 1508871100u);
}

TEST_CASE("the state is regenerated every 624 words as CPython does") {
    PythonRandom r(99);
    for (int i = 0; i < 700; ++i) r.next_u32();
    CHECK(r.next_u32() == 3611642935u);
    CHECK(r.next_u32() == 2948499520u);
    CHECK(r.next_u32() == 1101782397u);
}

TEST_CASE("getrandbits(k < 32) keeps the top k bits of one word") {
    // r = random.Random(99); [r.getrandbits(k) for k in (1, 5, 17, 31, 32, 8)]
    PythonRandom r(99);
    CHECK(r.getrandbits(1) == 0u);
    CHECK(r.getrandbits(5) == 12u);
    CHECK(r.getrandbits(17) == 26224u);
    CHECK(r.getrandbits(31) == 1287285677u);
    CHECK(r.getrandbits(32) == 767950141u);
    CHECK(r.getrandbits(8) == 58u);
}

TEST_CASE("random() equals random.Random(seed).random()") {
    PythonRandom r(99);
    CHECK(r.random() == 0.40397807494366633);
    CHECK(r.random() == 0.20007544457494542);
    CHECK(r.random() == 0.17880232058661227);
    CHECK(r.random() == 0.24843131850096878);
    CHECK(r.random() == 0.7598774365080779);
    CHECK(PythonRandom(0).random() == 0.8444218515250481);
}

TEST_CASE("randbelow equals random.Random(seed)._randbelow, including k > 32 bits") {
    // r = random.Random(99); [r._randbelow(n) for n in (1, 2, 3, 10, 1000, 2**32-1, 2**32+5, 10**12, 2**63+7)]
    // _randbelow(1) draws a word too (getrandbits(1)), so every later value depends on it.
    PythonRandom r(99);
    CHECK(r.randbelow(1) == 0u);
    CHECK(r.randbelow(2) == 1u);
    CHECK(r.randbelow(3) == 0u);
    CHECK(r.randbelow(10) == 9u);
    CHECK(r.randbelow(1000) == 183u);
    CHECK(r.randbelow(4294967295u) == 988970880u);
    CHECK(r.randbelow(4294967301u) == 1067004398u);
    CHECK(r.randbelow(1000000000000u) == 97752929272u);
    CHECK(r.randbelow(9223372036854775815u) == 1657187101678213466u);
}

TEST_CASE("shuffle equals random.Random(seed).shuffle") {
    // r = random.Random(99); l = list(range(20)); r.shuffle(l)
    CHECK(shuffled(20, 99) == std::vector<std::size_t>{9, 0, 13, 16, 15, 14, 10, 11, 8, 17, 4, 1, 18, 2, 3, 7, 5, 6, 19, 12});

    struct Expected {
        std::uint64_t seed;
        std::vector<std::size_t> head, tail;
        std::uint64_t weighted_sum, fingerprint;  // sum(i * l[i]); the fingerprint() of l
    };
    const std::vector<Expected> cases = {
        {0,
         {439, 621, 160, 549, 237, 389, 658, 507, 124, 290, 975, 392, 231, 969, 354, 657, 914, 719, 302, 109},
         {430, 911, 776, 394, 864},
         251292570,
         1534177850776546160u},
        {99,
         {852, 720, 591, 114, 174, 191, 589, 483, 462, 912, 895, 790, 663, 417, 950, 643, 639, 374, 481, 47},
         {183, 613, 204, 389, 413},
         246992321,
         1788207284586018847u},
        {std::uint64_t(1) << 40,
         {746, 886, 618, 550, 91, 17, 430, 739, 570, 206, 419, 824, 345, 682, 109, 237, 949, 214, 236, 640},
         {436, 67, 686, 361, 106},
         244482210,
         2052634798743108508u},
    };
    for (const auto& c : cases) {
        CAPTURE(c.seed);
        const auto v = shuffled(1000, c.seed);
        CHECK(std::vector<std::size_t>(v.begin(), v.begin() + 20) == c.head);
        CHECK(std::vector<std::size_t>(v.end() - 5, v.end()) == c.tail);
        std::uint64_t weighted = 0;
        for (std::size_t i = 0; i < v.size(); ++i) weighted += i * v[i];
        CHECK(weighted == c.weighted_sum);
        CHECK(fingerprint(v) == c.fingerprint);
    }

    // The generator continues where Python's does after the shuffle.
    PythonRandom r(99);
    std::vector<int> l(1000);
    std::iota(l.begin(), l.end(), 0);
    r.shuffle(l);
    CHECK(r.getrandbits(32) == 3160422365u);
}
