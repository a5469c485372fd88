// libyaml events into a NodeGraph, as PyYAML's CParser composes them
// (yaml/_yaml.pyx: get_single_node, _compose_node, _parser_error), with the
// size and depth budgets applied before libyaml sees the text.
#include <yaml.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <unordered_map>

#include "core/yaml_node.h"
#include "core/yaml_scalar.h"

namespace lyn::yaml {

std::string marked_message(std::string_view source_name, std::string_view context,
                           const Mark* context_mark, std::string_view problem,
                           const Mark* problem_mark) {
  auto where = [&](const Mark& m) {
    return "  in \"" + std::string(source_name) + "\", line " + std::to_string(m.line + 1) +
           ", column " + std::to_string(m.column + 1);
  };
  std::string out;
  auto line = [&](const std::string& s) {
    if (!out.empty()) out += '\n';
    out += s;
  };
  if (!context.empty()) line(std::string(context));
  if (context_mark &&
      (problem.empty() || !problem_mark || context_mark->line != problem_mark->line ||
       context_mark->column != problem_mark->column))
    line(where(*context_mark));
  if (!problem.empty()) line(std::string(problem));
  if (problem_mark) line(where(*problem_mark));
  return out;
}

Error marked_error(const NodeGraph& g, std::string_view type, std::string_view context,
                   const Mark* context_mark, std::string_view problem, const Mark* problem_mark) {
  return Error{std::string(type),
               marked_message(g.source_name, context, context_mark, problem, problem_mark), 400};
}

Error limit_error(std::string message, int http_status) {
  return Error{"YAMLError", std::move(message), http_status};
}

namespace {

Mark mark_of(const yaml_mark_t& m) {
  return Mark{m.line, m.column};
}

class Composer {
 public:
  Composer(std::string_view text, std::string_view name, const YamlLimits& limits, Loader loader)
      : limits_(limits), loader_(loader) {
    graph_.source_name = std::string(name);
    yaml_parser_initialize(&parser_);
    // The text stands for a Python str, which CParser hands libyaml as
    // UTF-8: a UTF-8 BOM is skipped as libyaml's detection skips it, and
    // UTF-16 BOM bytes (never in a str) are invalid UTF-8, not UTF-16.
    auto starts = [&](std::string_view bom) { return text.substr(0, bom.size()) == bom; };
    if (starts("\xff\xfe") || starts("\xfe\xff"))
      yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Composer() {
    if (have_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  Composer(const Composer&) = delete;
  Composer& operator=(const Composer&) = delete;

  Result<NodeGraph> single_document() {
    if (auto e = next()) return *e;  // STREAM-START
    drop();
    if (auto e = next()) return *e;
    if (event_.type != YAML_STREAM_END_EVENT) {
      drop();  // DOCUMENT-START
      auto root = compose_node();
      if (!root.ok()) return root.error();
      graph_.root = *root;
      if (auto e = next()) return *e;  // DOCUMENT-END
      drop();
      if (auto e = next()) return *e;
      if (event_.type != YAML_STREAM_END_EVENT) {
        Mark m = mark_of(event_.start_mark);
        return marked_error(graph_, "ComposerError", "expected a single document in the stream",
                            &graph_.nodes[graph_.root].start, "but found another document", &m);
      }
    }
    return std::move(graph_);
  }

 private:
  // Parses the next event unless one is waiting; an error is libyaml's.
  std::optional<Error> next() {
    if (have_event_) return std::nullopt;
    if (!yaml_parser_parse(&parser_, &event_)) return parser_error();
    have_event_ = true;
    return std::nullopt;
  }
  void drop() {
    yaml_event_delete(&event_);
    have_event_ = false;
  }

  Error parser_error() const {
    const char* problem = parser_.problem ? parser_.problem : "";
    switch (parser_.error) {
      case YAML_MEMORY_ERROR:
        return Error{"MemoryError", "", 500};
      case YAML_READER_ERROR: {
        char ch[32];
        int v = parser_.problem_value;
        std::snprintf(ch, sizeof ch, v < 0 ? "-%03x" : "%04x", v < 0 ? -v : v);
        return Error{"ReaderError",
                     "unacceptable character #x" + std::string(ch) + ": " + problem + "\n  in \"" +
                         graph_.source_name + "\", position " +
                         std::to_string(parser_.problem_offset),
                     400};
      }
      default: {
        Mark context_mark = mark_of(parser_.context_mark);
        Mark problem_mark = mark_of(parser_.problem_mark);
        bool has_context = parser_.context != nullptr;
        return marked_error(
            graph_, parser_.error == YAML_SCANNER_ERROR ? "ScannerError" : "ParserError",
            has_context ? parser_.context : "", has_context ? &context_mark : nullptr, problem,
            parser_.problem ? &problem_mark : nullptr);
      }
    }
  }

  static std::string_view str(const yaml_char_t* s) {
    return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
  }

  // A tag given explicitly (other than the non-specific `!`), or empty.
  static std::string_view explicit_tag(const yaml_char_t* tag) {
    std::string_view t = str(tag);
    return t == "!" ? std::string_view() : t;
  }

  Result<int> compose_node() {
    if (auto e = next()) return *e;
    if (event_.type == YAML_ALIAS_EVENT) {
      auto it = anchors_.find(std::string(str(event_.data.alias.anchor)));
      if (it == anchors_.end()) {
        Mark m = mark_of(event_.start_mark);
        return marked_error(graph_, "ComposerError", "", nullptr, "found undefined alias", &m);
      }
      drop();
      return it->second;
    }
    std::string_view anchor;
    const yaml_char_t* tag = nullptr;
    NodeKind kind = NodeKind::kScalar;
    switch (event_.type) {
      case YAML_SCALAR_EVENT:
        anchor = str(event_.data.scalar.anchor);
        tag = event_.data.scalar.tag;
        break;
      case YAML_SEQUENCE_START_EVENT:
        anchor = str(event_.data.sequence_start.anchor);
        tag = event_.data.sequence_start.tag;
        kind = NodeKind::kSequence;
        break;
      case YAML_MAPPING_START_EVENT:
        anchor = str(event_.data.mapping_start.anchor);
        tag = event_.data.mapping_start.tag;
        kind = NodeKind::kMapping;
        break;
      default:
        return Error{"ComposerError", "unexpected event", 400};
    }
    if (!anchor.empty()) {
      auto it = anchors_.find(std::string(anchor));
      if (it != anchors_.end()) {
        Mark m = mark_of(event_.start_mark);
        return marked_error(graph_, "ComposerError", "found duplicate anchor; first occurrence",
                            &graph_.nodes[it->second].start, "second occurrence", &m);
      }
    }
    int id = static_cast<int>(graph_.nodes.size());
    graph_.nodes.emplace_back();
    Node& n = graph_.nodes.back();
    n.kind = kind;
    n.start = mark_of(event_.start_mark);
    std::string_view given = explicit_tag(tag);
    if (kind == NodeKind::kScalar) {
      n.value.assign(reinterpret_cast<const char*>(event_.data.scalar.value),
                     event_.data.scalar.length);
      // Resolver.resolve: implicit resolvers for a plain scalar or one
      // tagged `!` (libyaml then reports plain_implicit, except for an
      // empty node, which the pure-Python parser resolves all the same).
      bool implicit =
          event_.data.scalar.plain_implicit || (loader_ == Loader::kSafe && str(tag) == "!");
      if (!given.empty())
        n.tag = given;
      else
        n.tag = implicit ? implicit_tag(n.value) : kTagStr;
    } else {
      n.tag = !given.empty() ? std::string(given)
                             : std::string(kind == NodeKind::kSequence ? kTagSeq : kTagMap);
    }
    if (!anchor.empty()) anchors_.emplace(std::string(anchor), id);
    drop();
    if (kind == NodeKind::kScalar) return id;
    if (++depth_ > limits_.max_depth) {
      return limit_error("YAML nesting deeper than the limit of " +
                         std::to_string(limits_.max_depth) + " levels (yaml max_depth)");
    }
    auto end = kind == NodeKind::kSequence ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
    while (true) {
      if (auto e = next()) return *e;
      if (event_.type == end) break;
      auto item = compose_node();
      if (!item.ok()) return item;
      if (kind == NodeKind::kSequence) {
        graph_.nodes[id].items.push_back(*item);
        continue;
      }
      auto value = compose_node();
      if (!value.ok()) return value;
      graph_.nodes[id].pairs.emplace_back(*item, *value);
    }
    drop();
    --depth_;
    return id;
  }

  const YamlLimits& limits_;
  Loader loader_;
  yaml_parser_t parser_;
  yaml_event_t event_;
  bool have_event_ = false;
  int depth_ = 0;
  NodeGraph graph_;
  std::unordered_map<std::string, int> anchors_;
};

}  // namespace

Result<NodeGraph> compose(std::string_view text, std::string_view source_name,
                          const YamlLimits& limits, Loader loader) {
  if (text.size() > limits.max_bytes)
    return limit_error("YAML document of " + std::to_string(text.size()) +
                           " bytes exceeds the limit of " + std::to_string(limits.max_bytes) +
                           " bytes (yaml max_bytes)",
                       413);
  Composer composer(text, source_name, limits, loader);
  return composer.single_document();
}

}  // namespace lyn::yaml
