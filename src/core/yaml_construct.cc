// PyYAML's SafeConstructor over a NodeGraph (yaml/constructor.py), step
// for step where the order shows: each node is constructed once (an alias
// yields the same object); a collection is created empty and filled later,
// level by level (construct_document's state_generators), so that of two
// errors the one PyYAML meets first is reported; merge keys are flattened
// into the mapping node itself when it is filled. The objects are then
// copied into one Value, after their expanded size and depth are checked
// against the budgets, so an alias bomb fails before any copying.
#include <cmath>
#include <limits>
#include <optional>

#include "core/yaml_node.h"
#include "core/yaml_scalar.h"

namespace lyn::yaml {

namespace {

enum class ObjKind { kScalar, kList, kDict, kSet, kPairs };

struct Obj {
  ObjKind kind = ObjKind::kScalar;
  Value scalar;
  std::vector<int> items;  // list: objects; pairs: key, value, key, value, ...
  Map entries;             // dict and set: key -> Value(object id) (set: ignored)
};

class Constructor {
 public:
  Constructor(NodeGraph& g, const YamlLimits& limits)
      : g_(g), limits_(limits), obj_of_node_(g.nodes.size(), -1) {}

  Result<Value> run() {
    if (g_.root < 0) return Value();
    auto root = construct_object(g_.root);
    if (!root.ok()) return root.error();
    while (!pending_.empty()) {
      std::vector<int> batch;
      batch.swap(pending_);
      for (int node : batch)
        if (auto e = fill(node)) return *e;
    }
    return to_value(*root);
  }

 private:
  const Node& node(int n) const { return g_.nodes[n]; }

  Error constructor_error(std::string_view context, int context_node, std::string problem,
                          int problem_node) const {
    return marked_error(g_, "ConstructorError", context,
                        context_node >= 0 ? &node(context_node).start : nullptr, problem,
                        &node(problem_node).start);
  }

  Error too_deep() const {
    return limit_error("YAML nesting deeper than the limit of " +
                       std::to_string(limits_.max_depth) + " levels (yaml max_depth)");
  }

  // SafeConstructor.construct_scalar: a mapping stands for the value of its
  // `=` key.
  Result<std::string> scalar_text(int n, int depth = 0) {
    if (depth > limits_.max_depth) return too_deep();
    if (node(n).kind == NodeKind::kMapping) {
      for (auto [k, v] : node(n).pairs)
        if (node(k).tag == kTagValue) return scalar_text(v, depth + 1);
    }
    if (node(n).kind != NodeKind::kScalar)
      return constructor_error(
          "", -1, std::string("expected a scalar node, but found ") + node_id(node(n).kind), n);
    return node(n).value;
  }

  Result<int> construct_object(int n) {
    if (obj_of_node_[n] >= 0) return obj_of_node_[n];
    const std::string tag = node(n).tag;
    Obj obj;
    if (is_scalar_tag(tag)) {
      auto text = scalar_text(n);
      if (!text.ok()) return text.error();
      if (tag == kTagTimestamp && node(n).kind != NodeKind::kScalar)
        return Error{"TypeError", "expected string or bytes-like object, got 'list'", 400};
      auto v = construct_scalar(tag, *text);
      if (!v.ok()) {
        if (v.error().type == "ConstructorError")
          return constructor_error("", -1, v.error().message, n);
        return v.error();
      }
      obj.scalar = std::move(*v);
    } else if (tag == kTagSeq) {
      obj.kind = ObjKind::kList;
    } else if (tag == kTagMap) {
      obj.kind = ObjKind::kDict;
    } else if (tag == kTagSet) {
      obj.kind = ObjKind::kSet;
    } else if (tag == kTagOmap || tag == kTagPairs) {
      obj.kind = ObjKind::kPairs;
    } else {
      return constructor_error(
          "", -1, "could not determine a constructor for the tag " + py_string_repr(tag), n);
    }
    // A collection is yielded empty and filled by a later pass.
    if (obj.kind != ObjKind::kScalar) pending_.push_back(n);
    int id = static_cast<int>(objs_.size());
    objs_.push_back(std::move(obj));
    obj_of_node_[n] = id;
    return id;
  }

  std::optional<Error> fill(int n) {
    int id = obj_of_node_[n];
    switch (objs_[id].kind) {
      case ObjKind::kList: {
        if (node(n).kind != NodeKind::kSequence)
          return constructor_error(
              "", -1, std::string("expected a sequence node, but found ") + node_id(node(n).kind),
              n);
        for (size_t i = 0; i < node(n).items.size(); ++i) {
          auto item = construct_object(node(n).items[i]);
          if (!item.ok()) return item.error();
          objs_[id].items.push_back(*item);
        }
        return std::nullopt;
      }
      case ObjKind::kDict:
      case ObjKind::kSet: {
        auto entries = construct_mapping(n);
        if (!entries.ok()) return entries.error();
        objs_[id].entries = std::move(*entries);
        return std::nullopt;
      }
      case ObjKind::kPairs:
        return fill_pairs(n, id);
      case ObjKind::kScalar:
        break;
    }
    return std::nullopt;
  }

  // construct_yaml_omap / construct_yaml_pairs.
  std::optional<Error> fill_pairs(int n, int id) {
    const char* context =
        node(n).tag == kTagOmap ? "while constructing an ordered map" : "while constructing pairs";
    if (node(n).kind != NodeKind::kSequence)
      return constructor_error(
          context, n, std::string("expected a sequence, but found ") + node_id(node(n).kind), n);
    for (size_t i = 0; i < node(n).items.size(); ++i) {
      int sub = node(n).items[i];
      if (node(sub).kind != NodeKind::kMapping)
        return constructor_error(
            context, n,
            std::string("expected a mapping of length 1, but found ") + node_id(node(sub).kind),
            sub);
      if (node(sub).pairs.size() != 1)
        return constructor_error(context, n,
                                 "expected a single mapping item, but found " +
                                     std::to_string(node(sub).pairs.size()) + " items",
                                 sub);
      auto [k, v] = node(sub).pairs[0];
      auto key = construct_object(k);
      if (!key.ok()) return key.error();
      auto value = construct_object(v);
      if (!value.ok()) return value.error();
      objs_[id].items.push_back(*key);
      objs_[id].items.push_back(*value);
    }
    return std::nullopt;
  }

  // SafeConstructor.construct_mapping: flatten merge keys, then a dict of
  // key objects to value objects (a repeated key: first place, last value).
  Result<Map> construct_mapping(int n) {
    if (node(n).kind == NodeKind::kMapping)
      if (auto e = flatten_mapping(n, 0)) return *e;
    if (node(n).kind != NodeKind::kMapping)
      return constructor_error(
          "", -1, std::string("expected a mapping node, but found ") + node_id(node(n).kind), n);
    MapBuilder mapping;
    for (size_t i = 0; i < node(n).pairs.size(); ++i) {
      auto [k, v] = node(n).pairs[i];
      auto key = construct_object(k);
      if (!key.ok()) return key.error();
      if (objs_[*key].kind != ObjKind::kScalar)
        return constructor_error("while constructing a mapping", n, "found unhashable key", k);
      auto value = construct_object(v);
      if (!value.ok()) return value.error();
      const Value& kv = objs_[*key].scalar;
      mapping.assign(kv.is_string() ? MapKey(kv.as_string()) : MapKey::typed(kv),
                     Value(int64_t{*value}));
    }
    return std::move(mapping).finish();
  }

  // SafeConstructor.flatten_mapping, mutating the node as PyYAML does.
  std::optional<Error> flatten_mapping(int n, int depth) {
    if (depth > limits_.max_depth) return too_deep();
    std::vector<std::pair<int, int>> merge;
    // Merged entries and the entries a deletion moves both count against
    // the budget: PyYAML's list operations, bounded.
    auto charge = [&](size_t work) -> std::optional<Error> {
      merge_work_ += work;
      if (merge_work_ > limits_.max_alias_nodes)
        return limit_error("YAML merge keys add more than " +
                           std::to_string(limits_.max_alias_nodes) +
                           " entries (yaml max_alias_nodes)");
      return std::nullopt;
    };
    auto add = [&](const std::vector<std::pair<int, int>>& pairs) -> std::optional<Error> {
      if (auto e = charge(pairs.size())) return e;
      merge.insert(merge.end(), pairs.begin(), pairs.end());
      return std::nullopt;
    };
    size_t index = 0;
    while (index < node(n).pairs.size()) {
      auto [k, v] = node(n).pairs[index];
      if (node(k).tag == kTagMerge) {
        // `del node.value[index]`, in place: a merge of the node into
        // itself (through an alias) sees the list as it is now.
        if (auto e = charge(node(n).pairs.size() - index)) return e;
        g_.nodes[n].pairs.erase(g_.nodes[n].pairs.begin() + static_cast<long>(index));
        if (node(v).kind == NodeKind::kMapping) {
          if (auto e = flatten_mapping(v, depth + 1)) return e;
          if (auto e = add(node(v).pairs)) return e;
        } else if (node(v).kind == NodeKind::kSequence) {
          std::vector<int> submerge;
          for (int sub : node(v).items) {
            if (node(sub).kind != NodeKind::kMapping)
              return constructor_error("while constructing a mapping", n,
                                       std::string("expected a mapping for merging, but found ") +
                                           node_id(node(sub).kind),
                                       sub);
            if (auto e = flatten_mapping(sub, depth + 1)) return e;
            submerge.push_back(sub);
          }
          for (auto it = submerge.rbegin(); it != submerge.rend(); ++it)
            if (auto e = add(node(*it).pairs)) return e;
        } else {
          return constructor_error(
              "while constructing a mapping", n,
              std::string("expected a mapping or list of mappings for merging, but found ") +
                  node_id(node(v).kind),
              v);
        }
      } else {
        if (node(k).tag == kTagValue) g_.nodes[k].tag = std::string(kTagStr);
        ++index;
      }
    }
    if (!merge.empty()) {
      auto& pairs = g_.nodes[n].pairs;
      if (auto e = charge(pairs.size())) return e;
      merge.insert(merge.end(), pairs.begin(), pairs.end());
      pairs = std::move(merge);
    }
    return std::nullopt;
  }

  // The objects an object holds (dict and set keys are scalars, counted
  // apart).
  template <typename F>
  void for_each_child(const Obj& o, F f) const {
    if (o.kind == ObjKind::kDict) {
      for (const auto& [k, v] : o.entries) f(static_cast<int>(v.as_int()));
    } else if (o.kind == ObjKind::kList || o.kind == ObjKind::kPairs) {
      for (int i : o.items) f(i);
    }
  }

  // Expanded size and height of every object reachable from `root`,
  // iteratively (a chain of aliases can be longer than the stack allows);
  // a cycle is an error.
  std::optional<Error> measure(int root) {
    constexpr size_t kCap = std::numeric_limits<size_t>::max() / 4;
    size_.assign(objs_.size(), 0);
    height_.assign(objs_.size(), 0);
    std::vector<char> state(objs_.size(), 0);  // 0 new, 1 open, 2 done
    std::vector<int> stack{root};
    while (!stack.empty()) {
      int o = stack.back();
      if (state[o] == 0) {
        state[o] = 1;
        bool cycle = false;
        for_each_child(objs_[o], [&](int c) {
          if (state[c] == 1) cycle = true;
          if (state[c] == 0) stack.push_back(c);
        });
        if (cycle)
          return limit_error(
              "YAML recursive structure (an alias inside its own anchor) is not supported");
        continue;
      }
      stack.pop_back();
      if (state[o] == 2) continue;
      const Obj& obj = objs_[o];
      size_t size = 1, height = 1;
      if (obj.kind == ObjKind::kDict || obj.kind == ObjKind::kSet) {
        size += obj.entries.size();  // the keys
        if (!obj.entries.empty()) height = 2;
      }
      for_each_child(obj, [&](int c) {
        size = std::min(kCap, size + size_[c]);
        height = std::max(height, height_[c] + 1);
      });
      size_[o] = size;
      height_[o] = height;
      state[o] = 2;
    }
    return std::nullopt;
  }

  Value copy(int o) const {
    const Obj& obj = objs_[o];
    switch (obj.kind) {
      case ObjKind::kScalar:
        return obj.scalar;
      case ObjKind::kList: {
        List list;
        list.reserve(obj.items.size());
        for (int i : obj.items) list.push_back(copy(i));
        return Value(std::move(list));
      }
      case ObjKind::kPairs: {
        List list;
        list.reserve(obj.items.size() / 2);
        for (size_t i = 0; i + 1 < obj.items.size(); i += 2)
          list.push_back(Value(Tuple{List{copy(obj.items[i]), copy(obj.items[i + 1])}}));
        return Value(std::move(list));
      }
      case ObjKind::kSet: {
        List items;
        items.reserve(obj.entries.size());
        for (const auto& [k, v] : obj.entries)
          items.push_back(k.typed() ? *k.typed() : Value(static_cast<const std::string&>(k)));
        return Value(Set{std::move(items)});
      }
      case ObjKind::kDict: {
        MapBuilder map;
        for (const auto& [k, v] : obj.entries) map.assign(k, copy(static_cast<int>(v.as_int())));
        return Value(std::move(map).finish());
      }
    }
    return Value();
  }

  Result<Value> to_value(int root) {
    if (auto e = measure(root)) return *e;
    if (height_[root] > static_cast<size_t>(limits_.max_depth) + 1)
      return limit_error("YAML nesting deeper than the limit of " +
                         std::to_string(limits_.max_depth) +
                         " levels once aliases are expanded (yaml max_depth)");
    if (size_[root] > g_.nodes.size() + limits_.max_alias_nodes)
      return limit_error("YAML aliases expand to more than " +
                         std::to_string(limits_.max_alias_nodes) +
                         " nodes beyond the document's own (yaml max_alias_nodes)");
    return copy(root);
  }

  NodeGraph& g_;
  const YamlLimits& limits_;
  std::vector<int> obj_of_node_;
  std::vector<Obj> objs_;
  std::vector<int> pending_;  // PyYAML's state_generators
  size_t merge_work_ = 0;
  std::vector<size_t> size_, height_;
};

}  // namespace

Result<Value> construct(NodeGraph& graph, const YamlLimits& limits) {
  return Constructor(graph, limits).run();
}

}  // namespace lyn::yaml
