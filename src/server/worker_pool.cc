#include "server/worker_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "core/platform.h"

namespace lyn::server {

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_queue, std::size_t stack_bytes,
                       int nice)
    : max_queue_(max_queue), nice_(nice) {
  if (threads == 0) threads = 1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (stack_bytes > 0) pthread_attr_setstacksize(&attr, stack_bytes);
  for (std::size_t i = 0; i < threads; ++i) {
    pthread_t t;
    if (pthread_create(&t, &attr, &WorkerPool::start, this) != 0) break;
    threads_.push_back(t);
  }
  pthread_attr_destroy(&attr);
  if (threads_.empty()) {  // not even one thread: nothing could ever answer
    std::fputs("lynguine: cannot start any worker thread\n", stderr);
    std::abort();
  }
}

WorkerPool::~WorkerPool() {
  stop();
}

void* WorkerPool::start(void* self) {
  auto* pool = static_cast<WorkerPool*>(self);
  if (pool->nice_ > 0) {  // best effort: a failure leaves the thread as it was
    platform::lower_thread_priority(pool->nice_);
  }
  pool->run();
  return nullptr;
}

bool WorkerPool::try_submit(Task& task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    // Idle workers take from the queue at once: only what is beyond them waits.
    std::size_t idle = threads_.size() - busy_;
    if (queue_.size() >= idle + max_queue_) return false;
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::run() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    try {
      task();
    } catch (...) {
    }
    task = nullptr;  // what it captured goes before the next wait
    std::lock_guard lock(mu_);
    --busy_;
  }
}

void WorkerPool::stop() {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(queue_);
  }
  ready_.notify_all();
  for (pthread_t t : threads_) pthread_join(t, nullptr);
  threads_.clear();
  dropped.clear();  // outside the lock: a task's captures may do anything
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mu_);
  return busy_;
}

}  // namespace lyn::server
