// Buffers on huge pages: advice only, so the values are those asked for, whatever the kernel does.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "newsclf/base/huge_pages.hpp"

using namespace newsclf;

TEST_CASE("assign_on_huge_pages fills a new buffer with the value, large or small") {
    for (std::size_t n : {0u, 1u, 1000u, 3u << 20}) {
        std::vector<float> v(5, 7.0f);
        assign_on_huge_pages(v, n, 0.0f);
        CHECK(v.size() == n);
        bool zeros = true;
        for (float x : v) zeros = zeros && x == 0.0f;
        CHECK(zeros);
    }
    std::vector<std::uint32_t> counts;
    assign_on_huge_pages(counts, 5u << 20, 3u);
    CHECK(counts.size() == 5u << 20);
    CHECK(counts.front() == 3u);
    CHECK(counts.back() == 3u);
    std::vector<double> none(4, 1.0);
    assign_on_huge_pages(none, 2);
    CHECK(none == std::vector<double>{0.0, 0.0});
}

TEST_CASE("advise_huge_pages on buffers smaller than a page, or unaligned, changes nothing") {
    std::vector<char> small(100, 'x');
    advise_huge_pages(small.data(), small.size());
    advise_huge_pages(small.data() + 1, 0);
    CHECK(small == std::vector<char>(100, 'x'));
}
