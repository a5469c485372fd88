#include "access/file_cache.h"

namespace lyn {

FileStamp stamp_file(const std::string& path) {
  struct stat st;
  FileStamp s;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.size = st.st_size;
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  s.inode = st.st_ino;
  s.device = st.st_dev;
  return s;
}

namespace {

// 0: no scope on this thread; 1: a scope, nothing missed; 2: missed.
thread_local int cached_only_state = 0;

}  // namespace

FileCache::CachedOnly::CachedOnly() {
  cached_only_state = 1;
}
FileCache::CachedOnly::~CachedOnly() {
  cached_only_state = 0;
}
bool FileCache::CachedOnly::missed() const {
  return cached_only_state == 2;
}
bool FileCache::CachedOnly::active() {
  return cached_only_state != 0;
}
void FileCache::CachedOnly::miss() {
  if (cached_only_state != 0) cached_only_state = 2;
}

}  // namespace lyn
