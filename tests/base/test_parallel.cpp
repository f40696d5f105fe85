// The thread fan-out: every job runs once on its worker, a worker's exception reaches the caller
// after every worker has been joined, and no job starts after one has thrown.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <string>
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

TEST_CASE("ordered_pipeline: every job worked once and consumed in order, at most `window` in flight") {
    for (std::size_t threads : {1, 2, 4}) {
        for (std::size_t window : {1, 3, 8}) {
            CAPTURE(threads);
            CAPTURE(window);
            const std::size_t jobs = 200;
            std::vector<std::size_t> input(window), output(window), consumed;
            std::atomic<int> in_flight{0}, most{0};
            ordered_pipeline(
                threads, window,
                [&](std::size_t k) {
                    if (k == jobs) return false;
                    input[k % window] = k;
                    most = std::max(most.load(), ++in_flight);
                    return true;
                },
                [&](std::size_t k) {
                    if (k % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));  // out of turn
                    output[k % window] = input[k % window] * 3;
                },
                [&](std::size_t k) {
                    --in_flight;
                    CHECK(output[k % window] == 3 * k);
                    consumed.push_back(k);
                });
            REQUIRE(consumed.size() == jobs);
            for (std::size_t k = 0; k < jobs; ++k) CHECK(consumed[k] == k);
            CHECK(most.load() <= static_cast<int>(threads == 1 ? 1 : window));
        }
    }
}

// The message of the newsclf::Error f throws ("" when none).
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST_CASE("ordered_pipeline: the earliest job's exception, after every job before it is consumed") {
    for (std::size_t threads : {1, 2, 3}) {
        CAPTURE(threads);
        // job 5's work and job 9's produce fail; job 5 comes first, whichever failed first
        std::vector<std::size_t> consumed;
        try {
            ordered_pipeline(
                threads, 4,
                [&](std::size_t k) {
                    if (k == 9) throw DataError("produce 9");
                    return k < 20;
                },
                [&](std::size_t k) {
                    if (k == 5) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(5));
                        throw DataError("work 5");
                    }
                },
                [&](std::size_t k) { consumed.push_back(k); });
            FAIL("no exception");
        } catch (const DataError& e) {
            CHECK(std::string(e.what()) == "work 5");
        }
        CHECK(consumed == std::vector<std::size_t>{0, 1, 2, 3, 4});
        // a produce that fails before any work does: the jobs before it are consumed first
        consumed.clear();
        CHECK(error_of([&] {
                  ordered_pipeline(
                      threads, 4,
                      [&](std::size_t k) {
                          if (k == 3) throw IoError("produce 3");
                          return true;
                      },
                      [](std::size_t) {}, [&](std::size_t k) { consumed.push_back(k); });
              }) == "produce 3");
        CHECK(consumed == std::vector<std::size_t>{0, 1, 2});
        // and one from consume ends it too
        CHECK(error_of([&] {
                  ordered_pipeline(
                      threads, 4, [](std::size_t k) { return k < 50; }, [](std::size_t) {},
                      [](std::size_t k) {
                          if (k == 10) throw UsageError("consume 10");
                      });
              }) == "consume 10");
    }
}

TEST_CASE("a parallel_for inside a job of parallel_for or ordered_pipeline runs on the job's thread") {
    for (std::size_t outer_threads : {2, 3}) {
        std::mutex m;
        std::vector<std::pair<std::thread::id, std::thread::id>> seen;  // (job's thread, nested job's thread)
        parallel_for(outer_threads, outer_threads, [&](std::size_t) {
            const auto self = std::this_thread::get_id();
            parallel_for(4, 8, [&](std::size_t) {
                std::lock_guard<std::mutex> lock(m);
                seen.emplace_back(self, std::this_thread::get_id());
            });
        });
        REQUIRE(seen.size() == 8 * outer_threads);
        for (const auto& [job, nested] : seen) CHECK(job == nested);
    }
    std::mutex m;
    std::size_t nested_elsewhere = 0, nested_jobs = 0;
    ordered_pipeline(
        2, 4, [](std::size_t k) { return k < 6; },
        [&](std::size_t) {
            const auto self = std::this_thread::get_id();
            parallel_for(4, 8, [&](std::size_t) {
                std::lock_guard<std::mutex> lock(m);
                ++nested_jobs;
                nested_elsewhere += std::this_thread::get_id() != self;
            });
        },
        [](std::size_t) {});
    CHECK(nested_jobs == 48);
    CHECK(nested_elsewhere == 0);
    // Outside any job, parallel_for uses its workers again.
    std::set<std::thread::id> workers;
    parallel_for(2, 2, [&](std::size_t) {
        std::lock_guard<std::mutex> lock(m);
        workers.insert(std::this_thread::get_id());
    });
    CHECK(workers.size() == 2);
}
