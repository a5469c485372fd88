#include "server/api_keys.h"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <cstdio>
#include <set>

#include "core/fs.h"
#include "core/yaml.h"
#include "server/secrets.h"

namespace lyn::server {

Result<ApiKeys> ApiKeys::parse(std::string_view text) {
  auto fail = [](std::string m) -> Result<ApiKeys> { return Error::value(std::move(m)); };
  auto doc = parse_yaml(text, "api keys");  // JSON is YAML too
  if (!doc.ok()) return fail(doc.error().message);
  const Value& v = *doc;
  if (!v.is_list()) return fail("the API key file must hold a list of {name, key, rights}");
  ApiKeys out;
  std::set<std::string> names, digests;
  std::size_t i = 0;
  for (const Value& e : v.as_list()) {
    std::string where = "API key entry " + std::to_string(i++);
    if (!e.is_map()) return fail(where + " is not a mapping");
    const Value* name = e.get("name");
    const Value* key = e.get("key");
    const Value* rights = e.get("rights");
    if (!name || !name->is_string() || name->as_string().empty())
      return fail(where + " has no name");
    where += " (" + name->as_string() + ")";
    if (!key || !key->is_string()) return fail(where + " has no key (a string)");
    if (key->as_string().size() < 16) return fail(where + ": key shorter than 16 characters");
    ApiKeyEntry entry;
    entry.name = name->as_string();
    if (!rights || rights->is_null()) {
      entry.rights = Rights::read;
    } else if (rights->is_string() && rights->as_string() == "read") {
      entry.rights = Rights::read;
    } else if (rights->is_string() && rights->as_string() == "write") {
      entry.rights = Rights::write;
    } else {
      return fail(where + ": rights must be \"read\" or \"write\"");
    }
    entry.digest = sha256(key->as_string());
    if (!names.insert(entry.name).second) return fail(where + ": duplicate name");
    if (!digests.insert(entry.digest).second) return fail(where + ": duplicate key");
    out.entries_.push_back(std::move(entry));
  }
  if (out.entries_.empty()) return fail("the API key file lists no keys");
  return out;
}

Result<ApiKeys> ApiKeys::load(const std::string& path) {
  auto text = read_file(path, {}, std::size_t{16} << 20);
  if (!text.ok())
    return Error{"OSError", "cannot read API key file " + path + ": " + text.error().message, 500};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
    std::fprintf(stderr, "lynguine: warning: API key file %s is readable by others (chmod 600)\n",
                 path.c_str());
  auto keys = parse(*text);
  if (!keys.ok()) return Error{keys.error().type, path + ": " + keys.error().message, 400};
  return keys;
}

const ApiKeyEntry* ApiKeys::find(std::string_view presented) const {
  std::string digest = sha256(presented);
  const ApiKeyEntry* found = nullptr;
  for (const auto& e : entries_) {  // every entry is compared: no early exit
    bool eq = CRYPTO_memcmp(e.digest.data(), digest.data(), digest.size()) == 0;
    if (eq && !found) found = &e;
  }
  return found;
}

}  // namespace lyn::server
