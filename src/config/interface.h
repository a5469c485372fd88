// Interface: a lynguine interface file (`_lynguine.yml`, `_lamd.yml`, ...)
// loaded with lynguine's rules: the first existing file of a list wins, a
// `field` may select a nested interface, `base_directory` and `user_file`
// are added, `inherit` loads a parent (whose outputs and series become
// inputs, and parameters constants; `ignore` hides keys, `append` extends
// lists and mappings), and `$VAR`/`${VAR}` are expanded in top-level
// strings. Every file it opens is confined to the PathPolicy's roots.
// An `inherit` chain is at most the Budget's inherit_depth files long, and a
// file that inherits itself, directly or through others, is a ValueError
// (lynguine recurses until Python's stack runs out).
//
// Thread safety: immutable once loaded; concurrent const access is safe.
#ifndef LYNGUINE_CONFIG_INTERFACE_H_
#define LYNGUINE_CONFIG_INTERFACE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/paths.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn {

class Interface {
 public:
  struct LoadOptions {
    std::vector<std::string> user_files;  // first existing wins; default _lynguine.yml
    std::string directory = ".";          // where the names are looked up
    std::optional<std::string> field;     // select data[field]
    bool raise_if_not_found = true;
    // The files whose `inherit` led here, outermost first (empty for a
    // load of one's own): a file met again is a cycle.
    std::vector<std::string> inherited_by;
  };

  // lynguine's Interface.from_file: the directory is taken as given (so
  // base_directory stays relative, e.g. "."), and must lie under the roots.
  static Result<Interface> from_file(const LoadOptions& opts, const PathPolicy& policy);
  // lynguine's Interface.from_cwd_file, used by the server: the directory is
  // joined to the policy's base directory and made absolute.
  static Result<Interface> from_base_file(const LoadOptions& opts, const PathPolicy& policy);
  // An interface from data already loaded.
  static Result<Interface> from_data(Map data, std::string directory, std::string user_file,
                                     const PathPolicy& policy);

  // The value of `key`, following inheritance; nullptr when absent.
  std::optional<Value> get(std::string_view key) const;
  bool contains(std::string_view key) const;
  std::vector<std::string> keys() const;

  const std::string& directory() const { return directory_; }
  const std::string& user_file() const { return user_file_; }
  const Map& data() const { return data_; }
  const Interface* parent() const { return parent_.get(); }
  // Policy whose base is this interface's directory (for its data paths).
  const PathPolicy& policy() const { return policy_; }

 private:
  // `chain`: the files being loaded, outermost first, this one last.
  static Result<Interface> construct(Map data, std::string directory, std::string user_file,
                                     const PathPolicy& policy,
                                     const std::vector<std::string>& chain = {});
  Status process_parent();

  Map data_;
  std::string directory_;
  std::string user_file_;
  PathPolicy policy_;
  std::shared_ptr<Interface> parent_;
  bool writable_ = true;
};

}  // namespace lyn

#endif  // LYNGUINE_CONFIG_INTERFACE_H_
