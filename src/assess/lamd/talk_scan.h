// talk_scan: lynguine 0.1.2's util/talk.py file scans as lamd's
// `dependencies` runs them: extract_inputs (the files a talk includes,
// recursively, looked up as given and then under the snippets path, with
// lynguine's list order and repetitions), extract_diagrams (the diagram
// files those texts name, with \diagramsDir replaced and gpp macros
// expanded, one entry per extension), and extract_all (the files a talk
// builds, from its posts/ipynb/docx/notespdf/reveal/slidesipynb/pptx
// flags).
//
// A TalkScanner reads each file once and keeps the answers: lynguine reads
// the same files again for every include that names them, from files that
// do not change during one run.
//
// Thread safety: a TalkScanner is not thread-safe; use one per run.
#ifndef LYNGUINE_ASSESS_LAMD_TALK_SCAN_H_
#define LYNGUINE_ASSESS_LAMD_TALK_SCAN_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "assess/lamd/diagram_paths.h"
#include "assess/lamd/header_field.h"
#include "core/status.h"

namespace lyn::lamd {

class TalkScanner {
 public:
  // `snippets_path` as given (its $VARs are expanded here, as lynguine does).
  // `ctx` (where relative paths start, the environment) must outlive this.
  TalkScanner(const ToolContext& ctx, std::string snippets_path)
      : ctx_(ctx), snippets_path_(std::move(snippets_path)) {}

  // talk.extract_inputs(filename, snippets_path).
  Result<std::vector<std::string>> extract_inputs(const std::string& filename);

  // talk.extract_diagrams(filename, absolute_path, diagram_exts,
  // diagrams_dir, snippets_path); nullopt (with a warning) when the file
  // does not exist.
  Result<std::optional<std::vector<std::string>>> extract_diagrams(
      const std::string& filename, bool absolute_path, const std::vector<std::string>& exts,
      const std::optional<std::string>& diagrams_dir, Warnings& warnings);

 private:
  // extract_inputs' answer, kept in inputs_ (the pointer stays valid).
  Result<const std::vector<std::string>*> inputs_of(const std::string& name);
  Result<std::string> text_of(const std::string& path);
  bool exists(const std::string& path);  // os.path.exists, asked once per path
  bool isfile(const std::string& path);  // os.path.isfile, asked once per path

  const ToolContext& ctx_;
  std::string snippets_path_;
  std::map<std::string, std::vector<std::string>> inputs_;  // extract_inputs answers
  std::map<std::string, bool> in_progress_;                 // an include cycle
  std::map<std::string, std::string> texts_;
  std::map<std::string, bool> exists_, isfile_;
  int depth_ = 0;
};

// talk.extract_all(filename, user_file): the files the talk creates, from
// its header fields (read by the caller) and config.
Result<std::vector<std::string>> extract_all(const std::string& filename, const Map& fields,
                                             ConfigFallback& config);

}  // namespace lyn::lamd

#endif  // LYNGUINE_ASSESS_LAMD_TALK_SCAN_H_
