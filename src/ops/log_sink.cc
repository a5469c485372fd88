#include "ops/log_sink.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace lyn::ops {

// Everything the writer thread touches: shared, so a writer left behind by
// the destructor still owns it.
struct LogSink::Shared {
  std::FILE* out = nullptr;
  bool owned = false;
  std::size_t max_bytes = 0;

  std::mutex mu;
  std::condition_variable wake;     // lines queued, or stop
  std::condition_variable written;  // the writer finished a batch or exited
  std::deque<std::string> queue;
  std::size_t queued_bytes = 0;
  std::uint64_t enqueued = 0, done = 0;  // lines queued / written (or given up) so far
  bool started = false, stop = false, exited = false;
  std::atomic<std::uint64_t> dropped{0};

  static void run(std::shared_ptr<Shared> s) {
    std::unique_lock lock(s->mu);
    for (;;) {
      s->wake.wait(lock, [&] { return s->stop || !s->queue.empty(); });
      if (s->queue.empty()) break;  // stopping, all written
      std::deque<std::string> batch;
      batch.swap(s->queue);
      s->queued_bytes = 0;
      lock.unlock();
      // Only this thread ever blocks here.
      for (const auto& line : batch) std::fwrite(line.data(), 1, line.size(), s->out);
      std::fflush(s->out);
      lock.lock();
      s->done += batch.size();
      s->written.notify_all();
    }
    if (s->owned) std::fclose(s->out);
    s->exited = true;
    s->written.notify_all();
  }
};

LogSink::LogSink(std::FILE* out, bool owned, std::size_t max_queued_bytes,
                 std::chrono::milliseconds drain_timeout)
    : shared_(std::make_shared<Shared>()), drain_timeout_(drain_timeout) {
  shared_->out = out;
  shared_->owned = owned;
  shared_->max_bytes = max_queued_bytes;
}

LogSink::~LogSink() {
  auto& s = *shared_;
  std::unique_lock lock(s.mu);
  if (!s.started) {
    if (s.owned && s.out) std::fclose(s.out);
    return;
  }
  s.stop = true;
  s.wake.notify_all();
  s.written.wait_for(lock, drain_timeout_, [&] { return s.exited; });
}

bool LogSink::write(std::string line) {
  auto& s = *shared_;
  if (!s.out) return false;
  std::lock_guard lock(s.mu);
  if (s.stop) return false;
  if (s.queued_bytes + line.size() > s.max_bytes) {
    s.dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (!s.started) {
    s.started = true;
    // Detached from the start: the destructor waits on `written`, not join,
    // so a writer stuck in a blocked write() cannot hang the process' exit.
    std::thread(&Shared::run, shared_).detach();
  }
  s.queued_bytes += line.size();
  s.queue.push_back(std::move(line));
  ++s.enqueued;
  s.wake.notify_one();
  return true;
}

bool LogSink::flush(std::chrono::milliseconds timeout) {
  auto& s = *shared_;
  std::unique_lock lock(s.mu);
  std::uint64_t target = s.enqueued;
  return s.written.wait_for(lock, timeout, [&] { return s.done >= target || s.exited; });
}

std::uint64_t LogSink::dropped() const {
  return shared_->dropped.load(std::memory_order_relaxed);
}

}  // namespace lyn::ops
