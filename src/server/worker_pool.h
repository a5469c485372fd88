// WorkerPool: the threads that run request handlers, so that the server's
// I/O threads only read, parse and write (issue 13.4: one slow request must
// not stall every connection). A fixed number of threads take tasks from one
// bounded FIFO queue; a task that does not fit is refused at once rather
// than queued without bound (the server answers it 503), so a burst of slow
// requests costs at most `threads` running plus `max_queue` waiting.
//
// Thread safety: try_submit(), queued(), busy() may be called from any
// thread at once. The destructor (or stop()) must not run on a worker
// thread; it waits for running tasks and discards queued ones (destroying
// them unrun).
#ifndef LYNGUINE_SERVER_WORKER_POOL_H_
#define LYNGUINE_SERVER_WORKER_POOL_H_

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace lyn::server {

class WorkerPool {
 public:
  using Task = std::function<void()>;

  // `threads` >= 1 workers, each with a stack of `stack_bytes` (0: the
  // system's default); at most `max_queue` tasks wait for a worker. Each
  // worker lowers its own scheduling priority by `nice` (Linux threads have
  // their own nice value), so that busy workers leave the CPU to the I/O
  // threads that answer health checks and write answers.
  WorkerPool(std::size_t threads, std::size_t max_queue, std::size_t stack_bytes = 0, int nice = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (task untouched) when the queue is full or the pool
  // is stopping. An exception escaping a task is swallowed (tasks report
  // their own failures).
  bool try_submit(Task& task);

  // Waits for running tasks, drops queued ones, joins the threads. Idempotent.
  void stop();

  std::size_t threads() const { return threads_.size(); }
  std::size_t max_queue() const { return max_queue_; }
  std::size_t queued() const;  // waiting for a worker
  std::size_t busy() const;    // running now

 private:
  static void* start(void* self);
  void run();

  std::size_t max_queue_;
  int nice_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Task> queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<pthread_t> threads_;  // pthreads: std::thread cannot size a stack
};

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_WORKER_POOL_H_
