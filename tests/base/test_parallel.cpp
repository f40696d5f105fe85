// The thread fan-out: every job runs once on its worker, a worker's exception reaches the caller
// after every worker has been joined, and no job starts after one has thrown.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <new>
#include <ostream>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "newsclf/base/error.hpp"
#include "newsclf/base/parallel.hpp"

using namespace newsclf;

TEST_CASE("parallel_for runs each job once, job k on worker k % workers, worker 0 the caller") {
    for (std::size_t threads : {0u, 1u, 3u, 8u}) {
        const std::size_t jobs = 10, workers = std::min(resolve_threads(threads), jobs);
        std::vector<int> runs(jobs, 0);
        std::vector<std::thread::id> where(jobs);
        parallel_for(resolve_threads(threads), jobs, [&](std::size_t k) {
            ++runs[k];
            where[k] = std::this_thread::get_id();
        });
        for (std::size_t k = 0; k < jobs; ++k) {
            CHECK(runs[k] == 1);
            CHECK(where[k] == where[k % workers]);
        }
        CHECK(where[0] == std::this_thread::get_id());
        std::set<std::thread::id> distinct(where.begin(), where.end());
        CHECK(distinct.size() == workers);
    }
    parallel_for(4, 0, [](std::size_t) { FAIL("no job to run"); });
}

TEST_CASE("resolve_threads: 0 is one per CPU, anything else itself") {
    CHECK(resolve_threads(0) >= 1);
    CHECK(resolve_threads(5) == 5);
}

TEST_CASE("a worker's exception is thrown in the caller once every worker has stopped") {
    // Worker 1 throws once the others are under way; they are still busy and must have finished
    // (been joined) before the caller sees the exception.
    std::atomic<int> started{0}, finished{0};
    auto run = [&] {
        run_workers(4, [&](std::size_t t) {
            if (t == 1) {
                while (started < 3) std::this_thread::yield();
                throw DataError("row 7: no such token");
            }
            ++started;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            ++finished;
        });
    };
    CHECK_THROWS_WITH_AS(run(), "row 7: no such token", DataError);
    CHECK(finished == 3);

    // Out of memory in a worker is an exception like any other, of its own type.
    CHECK_THROWS_AS(run_workers(3, [](std::size_t t) {
                        if (t == 2) throw std::bad_alloc();
                    }),
                    std::bad_alloc);
    // And in the caller's own worker too, with the others joined.
    started = 0;
    finished = 0;
    CHECK_THROWS_AS(run_workers(3, [&](std::size_t t) {
                        if (t == 0) {
                            while (started < 2) std::this_thread::yield();
                            throw std::runtime_error("worker 0");
                        }
                        ++started;
                        std::this_thread::sleep_for(std::chrono::milliseconds(20));
                        ++finished;
                    }),
                    std::runtime_error);
    CHECK(finished == 2);
}

TEST_CASE("once a job has thrown, no worker starts another") {
    std::mutex m;
    std::vector<std::size_t> started;
    try {
        parallel_for(2, 1000, [&](std::size_t k) {
            {
                std::lock_guard<std::mutex> lock(m);
                started.push_back(k);
            }
            if (k == 0) throw UsageError("first");
            if (k > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
        FAIL("no exception");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()) == "first");
    }
    // Worker 0 stops at job 0; worker 1 may have a job under way when it sees the failure.
    CHECK(started.size() < 10);
}
