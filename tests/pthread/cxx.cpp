// cxx.cpp - C++ programs over std::thread, std::mutex, std::lock_guard,
// std::shared_mutex and std::condition_variable (libstdc++ builds them on
// pthreads), for test_pthread.py to record through the interposer:
// `cxx NAME`. Built at -O0 (pthread_cxx) and at -O2 (pthread_cxx_o2, where
// std::mutex::lock() is inlined into the lambdas, and they into
// std::thread's code); the lines that lock are marked "site: NAME".
//   deadlock  two threads take two std::mutexes in opposite orders and hang;
//   clean     readers and a writer share a std::shared_mutex, a consumer
//             waits on a std::condition_variable; no finding.
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace
{

std::mutex cache_mutex, db_mutex;

void deadlock()
{
    std::mutex gate;
    std::condition_variable both;
    int holding = 0;
    auto arrive = [&] {
        std::unique_lock<std::mutex> g(gate);
        if (++holding == 2)
            both.notify_all();
        both.wait(g, [&] { return holding == 2; });
    };
    std::thread loader([&] {
        std::lock_guard<std::mutex> c(cache_mutex); /* site: loader holds */
        arrive();
        std::lock_guard<std::mutex> d(db_mutex); /* site: loader waits */
    });
    std::thread saver([&] {
        std::lock_guard<std::mutex> d(db_mutex); /* site: saver holds */
        arrive();
        std::lock_guard<std::mutex> c(cache_mutex); /* site: saver waits */
    });
    std::puts("hung");
    std::fflush(stdout);
    loader.join();
    saver.join();
}

std::shared_mutex table_mutex;
std::mutex queue_mutex;
std::condition_variable queue_filled;
int table_value, queued;

void clean()
{
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; i++)
        readers.emplace_back([] {
            for (int k = 0; k < 20; k++) {
                std::shared_lock<std::shared_mutex> read(table_mutex); /* site: reader */
                (void)table_value;
            }
        });
    std::thread consumer([] {
        std::unique_lock<std::mutex> q(queue_mutex);
        queue_filled.wait(q, [] { return queued >= 3; });
    });
    for (int i = 0; i < 3; i++) {
        {
            std::unique_lock<std::shared_mutex> write(table_mutex); /* site: writer */
            table_value++;
        }
        std::lock_guard<std::mutex> q(queue_mutex);
        queued++;
        queue_filled.notify_one();
    }
    for (auto &r : readers)
        r.join();
    consumer.join();
    std::printf("clean %d\n", table_value);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 2 && std::strcmp(argv[1], "deadlock") == 0)
        deadlock();
    else if (argc == 2 && std::strcmp(argv[1], "clean") == 0)
        clean();
    else
        return 2;
    return 0;
}
