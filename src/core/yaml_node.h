// The node graph between libyaml's events and Values: what PyYAML's
// composer builds (scalar, sequence and mapping nodes with their resolved
// tags; an alias is a second reference to the same node) and its
// constructor reads. Internal to core/yaml*.cc.
//
// Thread safety: a NodeGraph is a plain value owned by one parse.
#ifndef LYNGUINE_CORE_YAML_NODE_H_
#define LYNGUINE_CORE_YAML_NODE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/yaml.h"

namespace lyn::yaml {

// A position as libyaml reports it (0-based; printed 1-based).
struct Mark {
  size_t line = 0, column = 0;
};

enum class NodeKind { kScalar, kSequence, kMapping };

struct Node {
  NodeKind kind = NodeKind::kScalar;
  std::string tag;                         // resolved: "tag:yaml.org,2002:str", "!local", ...
  std::string value;                       // scalar text
  std::vector<int> items;                  // sequence
  std::vector<std::pair<int, int>> pairs;  // mapping: key node, value node
  Mark start;
};

// PyYAML's node.id in messages.
inline const char* node_id(NodeKind k) {
  return k == NodeKind::kScalar ? "scalar" : k == NodeKind::kSequence ? "sequence" : "mapping";
}

struct NodeGraph {
  std::vector<Node> nodes;
  int root = -1;  // -1: an empty stream (None)
  std::string source_name;
};

// yaml.MarkedYAMLError's text: context, its mark (unless the problem has
// the same one), problem, problem mark.
std::string marked_message(std::string_view source_name, std::string_view context,
                           const Mark* context_mark, std::string_view problem,
                           const Mark* problem_mark);

// A MarkedYAMLError of class `type` (ComposerError, ConstructorError, ...).
Error marked_error(const NodeGraph& g, std::string_view type, std::string_view context,
                   const Mark* context_mark, std::string_view problem, const Mark* problem_mark);

// The id of the token PyYAML's scanner makes at byte `i` of `text`, as
// repr() prints it ('<scalar>', "'['", '<stream end>', ...).
std::string token_id_at(std::string_view text, size_t i);

// A refusal by one of the budgets of YamlLimits.
Error limit_error(std::string message, int http_status = 400);

// Which of PyYAML's loaders the composer follows where they differ:
// CSafeLoader (libyaml's parser) or SafeLoader (the pure-Python parser,
// which resolves a node tagged `!` with no value implicitly, to None, where
// libyaml reports it as not plain-implicit, a str '').
enum class Loader { kCSafe, kSafe };

// libyaml's events composed into nodes, tags resolved as PyYAML's Resolver
// does; one document at most (yaml.load's get_single_node).
Result<NodeGraph> compose(std::string_view text, std::string_view source_name,
                          const YamlLimits& limits, Loader loader = Loader::kCSafe);

// SafeConstructor applied to the graph (it mutates the graph as PyYAML
// does when it flattens merge keys), then the objects copied into a Value
// within the limits.
Result<Value> construct(NodeGraph& graph, const YamlLimits& limits);

}  // namespace lyn::yaml

#endif  // LYNGUINE_CORE_YAML_NODE_H_
