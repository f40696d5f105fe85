// MD5 against the RFC 1321 test suite and Python's hashlib, and md5_mod against
// int(hashlib.md5(s).hexdigest(), 16) % k for story ids of the News Aggregator data.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "newsclf/base/md5.hpp"

using namespace newsclf;

namespace {

std::string hex(std::string_view data) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (auto b : md5(data)) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// bytes((i * 7 + 3) % 256 for i in range(n))
std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + 3) % 256);
    return s;
}

}  // namespace

TEST_CASE("md5 passes the RFC 1321 test suite") {
    CHECK(hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(hex("a") == "0cc175b9c0f1b6a831c399e269772661");
    CHECK(hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
    CHECK(hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
    CHECK(hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == "d174ab98d277d9f5a5611c2c9f419d9f");
    CHECK(hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
          "57edf4a22be3c955ac49da2e2107b67a");
}

TEST_CASE("md5 pads correctly around the block boundaries") {
    // hashlib.md5(bytes((i * 7 + 3) % 256 for i in range(n))).hexdigest(); 55 bytes is the
    // longest message whose padding fits its own block, 56 the shortest that needs another.
    CHECK(hex(pattern(55)) == "52c0e574e1198de5fe3f8f11440dcb1b");
    CHECK(hex(pattern(56)) == "46c9907fc908ee68b1e7b8e71286a518");
    CHECK(hex(pattern(57)) == "1c805dd236c35cab25fcb1bc73802c51");
    CHECK(hex(pattern(63)) == "a62f6d59e837867693f042f5b8f5a236");
    CHECK(hex(pattern(64)) == "7160b8fb5e9e4023d549c3971fbaeead");
    CHECK(hex(pattern(65)) == "70bd662e7aefbda85a0f7244167b7897");
    CHECK(hex(pattern(119)) == "e84905d4214f4d1ca56c2cdcc152b143");
    CHECK(hex(pattern(120)) == "e3eb5a6c8669ea01a8c185b8abc8a5dc");
    CHECK(hex(pattern(128)) == "10b2da1a82f16d99a81a7203fe9f02cb");
}

TEST_CASE("md5_mod equals int(hashlib.md5(s).hexdigest(), 16) % k") {
    struct Story {
        const char* id;
        const char* digest;
        std::uint64_t mod5, mod10, mod1e6, mod_large;  // % 5, % 10, % 1000000, % (2**64 - 59)
    };
    // The first story ids of newsCorpora.csv (field 6, STORY).
    const Story stories[] = {
        {"dxyGGb4iN9Cs9aMZTKQpJeoiQfruM", "36b6bfb6b040bd33d1955e3816a72b3a", 2, 2, 497082, 7904817157338482938u},
        {"d4lvRcSzuglGdFMmqvT6ZGcG8vDlM", "2649374433aa43252c5b45ef3f316994", 2, 2, 327892, 18391296420241925363u},
        {"dchKRTV8vDviyCMH_lfUDTuFThh_M", "b4fbd6354348c37536069fdc467c349b", 4, 9, 767259, 17010375217920428549u},
        {"dEMAAHOiiULKoTMlQ5PeakjabUaYM", "a4bd7bfe7828326886500468408a5d5a", 1, 6, 816026, 9078016659554173972u},
        {"dqGernbFbzJ9-vM23ku_IW3-I2IPM", "b333f8224c56c62c08c20f9d3ab0fbaf", 0, 5, 71855, 6177882628548505926u},
        {"dccIdMgK1mPz2OMPNMfHccPwCkkaM", "71b35c66725b3da9aa4d444685fe20d2", 0, 0, 36370, 16042824502224444611u},
        {"dJbOm1zHMJJGWuMjXPV4nRnytnmrM", "a1d2be9e54614c0478b9c13e61d62ce9", 3, 3, 131113, 14144592275942062684u},
    };
    for (const auto& s : stories) {
        CAPTURE(s.id);
        CHECK(hex(s.id) == s.digest);
        CHECK(md5_mod(s.id, 5) == s.mod5);
        CHECK(md5_mod(s.id, 10) == s.mod10);
        CHECK(md5_mod(s.id, 1000000) == s.mod1e6);
        CHECK(md5_mod(s.id, 18446744073709551557u) == s.mod_large);  // the largest 64-bit prime
        CHECK(md5_mod(s.id, 1) == 0u);
    }
}
