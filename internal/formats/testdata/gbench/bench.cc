// Benchmarks whose output exercises the conversion: arguments (one negative, which the Go
// format would read as GOMAXPROCS), another time unit, bytes and items processed, and custom
// counters, one a rate.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <vector>

static void BM_Sum(benchmark::State& state) {
  std::vector<uint8_t> data(state.range(0), 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::accumulate(data.begin(), data.end(), uint64_t{0}));
  }
  state.SetBytesProcessed(state.iterations() * data.size());
  state.SetItemsProcessed(state.iterations() * data.size());
}
BENCHMARK(BM_Sum)->Arg(64)->Arg(1024);

static void BM_Shift(benchmark::State& state) {
  int64_t x = 12345;
  for (auto _ : state) {
    benchmark::DoNotOptimize(x << (state.range(0) & 7));
  }
}
BENCHMARK(BM_Shift)->Arg(-8);

static void BM_Fill(benchmark::State& state) {
  int64_t nodes = 0;
  for (auto _ : state) {
    std::vector<int> v(1000, 7);
    benchmark::DoNotOptimize(v.data());
    nodes += v.size();
  }
  state.counters["nodes"] = benchmark::Counter(static_cast<double>(nodes), benchmark::Counter::kAvgIterations);
  state.counters["fills_rate"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Fill)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
