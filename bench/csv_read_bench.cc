// The CSV reader in-process, for bench/csv_bench.sh. Default allocator (no
// malloc policy), no parsed-file cache: every iteration reads the file.
//
//   csv_read_bench [benchmark flags]     Google Benchmark rows on
//       $LYN_BENCH_CSV: BM_ReadDataAnswer (read_data plus the JSON answer
//       held whole, the work lynguine does for a read_data request; pandas'
//       equivalent is read_csv + to_dict('records')), BM_ReadDataStreamed
//       (the same answer in 64 KiB pieces), BM_ServiceReadCached (a
//       server's repeated request: frame from the cache), BM_ReadData (the
//       frame alone), BM_ParseCsvInMemory (the parser on text in memory).
//   csv_read_bench --stream FILE         one read_data request through
//       service::Api::handle_streaming, each piece written to stdout as it
//       comes (what `lynguine read` does once wired to stream), then the
//       process's peak RSS in KiB on stderr.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "access/csv_format.h"
#include "access/registry.h"
#include "config/paths.h"
#include "core/frame_json.h"
#include "core/json.h"
#include "service/api.h"

namespace {

std::string bench_file() {
  const char* env = std::getenv("LYN_BENCH_CSV");
  if (!env) {
    std::fprintf(stderr, "set LYN_BENCH_CSV (bench/csv_bench.sh generates the file)\n");
    std::exit(2);
  }
  return env;
}

lyn::Value details(const std::string& path) {
  return lyn::Value(lyn::Map{{"type", "csv"}, {"filename", lyn::Value(path)}});
}

void BM_ReadDataAnswer(benchmark::State& state) {
  std::string path = bench_file();
  lyn::access::IoContext ctx{lyn::PathPolicy("/", {}), nullptr};
  size_t bytes = 0;
  for (auto _ : state) {
    auto f = lyn::access::read_data(details(path), ctx);
    if (!f.ok()) {
      state.SkipWithError(f.error().message.c_str());
      return;
    }
    std::string answer;
    lyn::append_frame_data_json(answer, *f);
    bytes = answer.size();
    benchmark::DoNotOptimize(answer);
  }
  state.counters["answer_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ReadDataAnswer)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// The same answer produced in 64 KiB pieces into one reused buffer, as a
// caller of Api::handle_streaming sends it (never held whole).
void BM_ReadDataStreamed(benchmark::State& state) {
  std::string path = bench_file();
  lyn::access::IoContext ctx{lyn::PathPolicy("/", {}), nullptr};
  size_t bytes = 0;
  std::string piece;
  for (auto _ : state) {
    auto f = lyn::access::read_data(details(path), ctx);
    if (!f.ok()) {
      state.SkipWithError(f.error().message.c_str());
      return;
    }
    lyn::FrameJsonWriter w(*f, lyn::FrameJsonWriter::Layout::kDataObject);
    bytes = 0;
    while (true) {
      piece.clear();
      if (!w.next(piece)) break;
      bytes += piece.size();
      benchmark::DoNotOptimize(piece.data());
    }
  }
  state.counters["answer_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ReadDataStreamed)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// A server's repeated read of one file: the frame from the parsed-file
// cache, the answer written whole (Api::handle).
void BM_ServiceReadCached(benchmark::State& state) {
  std::string path = bench_file();
  lyn::service::ApiOptions o;
  o.root = "/";
  lyn::service::Api api(o);
  std::string body = "{\"data_source\": " + lyn::to_json(details(path)) + "}";
  for (auto _ : state) {
    auto r = api.handle("POST", "/api/read_data", body);
    if (r.status != 200) {
      state.SkipWithError(r.body.c_str());
      return;
    }
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ServiceReadCached)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_ReadData(benchmark::State& state) {
  std::string path = bench_file();
  lyn::access::IoContext ctx{lyn::PathPolicy("/", {}), nullptr};
  size_t rows = 0;
  for (auto _ : state) {
    auto f = lyn::access::read_data(details(path), ctx);
    if (!f.ok()) {
      state.SkipWithError(f.error().message.c_str());
      return;
    }
    rows = f->num_rows();
    benchmark::DoNotOptimize(f);
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_ReadData)->Unit(benchmark::kMillisecond)->MinTime(1.0);

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

int stream_to_stdout(const std::string& path) {
  lyn::service::ApiOptions o;
  o.root = "/";
  lyn::service::Api api(o);
  std::string body = "{\"data_source\": " + lyn::to_json(details(path)) + "}";
  auto r = api.handle_streaming("POST", "/api/read_data", body);
  std::string out = std::move(r.body);
  auto flush = [&out] {
    if (!out.empty() && std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) return false;
    out.clear();
    return true;
  };
  if (!flush()) return 1;
  while (r.stream && r.stream->next(out))
    if (!flush()) return 1;
  std::fputc('\n', stdout);
  std::fflush(stdout);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::fprintf(stderr, "%ld\n", ru.ru_maxrss);
  return r.status == 200 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--stream") == 0) return stream_to_stdout(argv[2]);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
