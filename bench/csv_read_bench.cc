// Google Benchmark for the CSV reader: lyn::access::read_data on a
// 100,000-row mixed-type CSV (ints, strings, quoted fields with commas and
// newlines, floats with gaps, booleans, dates), and the parser alone on
// the same text in memory. The file is $LYN_BENCH_CSV when set (as
// bench/csv_bench.sh sets it), otherwise one generated in /tmp.
#include "core/malloc_policy.h"
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "access/csv_format.h"
#include "access/registry.h"

namespace {

std::string bench_file() {
  if (const char* env = std::getenv("LYN_BENCH_CSV")) return env;
  std::string path = "/tmp/lyn_csv_bench_100k.csv";
  std::ifstream probe(path);
  if (probe) return path;
  std::ofstream out(path);
  out << "id,name,affiliation,age,score,accepted,registered,country,notes\n";
  for (int i = 0; i < 100000; ++i) {
    out << i << ",Person " << i << ",\"University " << i % 97 << ", Dept. " << i % 13 << "\","
        << (i % 10 == 0 ? "" : std::to_string(20 + i % 60)) << "," << (i % 7) * 1.25 + i % 100
        << "," << (i % 2 ? "True" : "False") << ",2024-05-" << (10 + i % 18) << ","
        << (i % 3 ? "UK" : "US") << ","
        << (i % 5 == 0 ? "\"Works on \"\"morphogenesis\"\"\nand more\"" : "plain note") << "\n";
  }
  return path;
}

void BM_ReadDataCsv(benchmark::State& state) {
  std::string path = bench_file();
  lyn::access::IoContext ctx{lyn::PathPolicy("/", {}), nullptr};
  lyn::Value details(lyn::Map{{"type", "csv"}, {"filename", lyn::Value(path)}});
  size_t rows = 0;
  for (auto _ : state) {
    auto f = lyn::access::read_data(details, ctx);
    if (!f.ok()) {
      state.SkipWithError(f.error().message.c_str());
      return;
    }
    rows = f->num_rows();
    benchmark::DoNotOptimize(f);
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_ReadDataCsv)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_ParseCsvInMemory(benchmark::State& state) {
  std::ifstream in(bench_file(), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  for (auto _ : state) {
    auto f = lyn::access::parse_csv(text, {}, "bench.csv");
    benchmark::DoNotOptimize(f);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseCsvInMemory)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

// Measured as lynguine runs: with its allocator policy (src/core/malloc_policy.h).
static const bool kPolicy = (lyn::apply_malloc_policy(), true);

BENCHMARK_MAIN();
