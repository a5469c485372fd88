// ApiKeys: the API keys of a server started for remote use (`serve
// --api-keys FILE`). The file is a YAML or JSON list of
//   {name: NAME, key: SECRET, rights: read|write}
// Only SHA-256 digests of the keys are kept in memory; lookup compares the
// presented key against every key in constant time (no early exit), so the
// time taken says nothing about which key, or how much of one, matched.
//
// Thread safety: an ApiKeys is immutable after parsing; find() may be called
// from any number of threads at once.
#ifndef LYNGUINE_SERVER_API_KEYS_H_
#define LYNGUINE_SERVER_API_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/route_info.h"  // Rights

namespace lyn::server {

struct ApiKeyEntry {
  std::string name;
  Rights rights = Rights::read;
  std::string digest;  // SHA-256 of the key
};

class ApiKeys {
 public:
  ApiKeys() = default;

  // Parses the file's text. A ValueError for: not a list, an entry without a
  // name or key, a key shorter than 16 characters, unknown rights, a
  // duplicate name or key.
  static Result<ApiKeys> parse(std::string_view text);
  // Reads and parses `path` (an OSError if unreadable; parse errors name the
  // file); warns on stderr if the file is readable by group or others.
  static Result<ApiKeys> load(const std::string& path);

  // The entry whose key equals `presented`, or nullptr.
  const ApiKeyEntry* find(std::string_view presented) const;

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  const std::vector<ApiKeyEntry>& entries() const { return entries_; }

 private:
  std::vector<ApiKeyEntry> entries_;
};

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_API_KEYS_H_
