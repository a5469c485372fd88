// LogSink: where the server's log lines go without ever making a request
// wait (issue 11.3). write() only appends the line to a bounded in-memory
// queue; one writer thread of its own copies the queue to the FILE. When the
// destination does not keep up -- a pipe nobody reads, a full disk, a slow
// terminal -- the queue fills and further lines are dropped and counted
// (dropped(), lynguine_log_lines_dropped_total) instead of blocking the
// caller. A line is written whole or not at all.
//
// The writer thread starts with the first line (so a sink made before a
// fork() starts none). The destructor gives the writer up to
// `drain_timeout` to write what is queued; a writer still stuck in a write
// then is left behind (detached, owning what it needs) so shutdown never
// hangs on a blocked descriptor.
//
// Thread safety: write(), flush(), dropped() may be called from any thread
// at once.
#ifndef LYNGUINE_OPS_LOG_SINK_H_
#define LYNGUINE_OPS_LOG_SINK_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace lyn::ops {

class LogSink {
 public:
  // Writes to `out` (closed at the end when `owned`); at most `max_queued_bytes`
  // wait for the writer.
  LogSink(std::FILE* out, bool owned, std::size_t max_queued_bytes = std::size_t{256} << 10,
          std::chrono::milliseconds drain_timeout = std::chrono::milliseconds(2000));
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Queues `line` (a whole line, newline included); false if it was dropped.
  bool write(std::string line);

  // Waits (up to `timeout`) until everything queued so far is written;
  // false on timeout.
  bool flush(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  // Lines dropped because the queue was full.
  std::uint64_t dropped() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
  std::chrono::milliseconds drain_timeout_;
};

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_LOG_SINK_H_
