// Over 500 lines: one Renderer, its node kinds and the budget hooks they share.
#include "assess/liquid/render.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>
#include <string>

#include "assess/liquid/limits.h"
#include "assess/liquid/number.h"

namespace lyn::liquid {

namespace {

template <typename T>
T* find_slot(std::vector<std::pair<std::string, T>>& v, std::string_view key) {
  for (auto& kv : v)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

// Restores a frame stack size and loop pointer on scope exit.
struct FrameGuard {
  std::vector<std::pair<std::string_view, RValue>>& frames;
  size_t size;
  const LoopState*& loop;
  const LoopState* saved;
  ~FrameGuard() {
    frames.resize(size);
    loop = saved;
  }
};

// python-liquid's scope chain holds locals, globals, built-ins, counters
// and the render's namespace, and one more map per loop (for, tablerow)
// being rendered; entering a loop when it already holds
// context_depth_limit (30) maps is a render error, which LAX mode swallows.
// It bounds this renderer's recursion through nested loops too.
constexpr int kBaseScopes = 5;
constexpr int kContextDepthLimit = 30;

// Charges the items a loop walks while it walks them.
struct ScopeGuard {
  int& scopes;
  ~ScopeGuard() { --scopes; }
};

struct HeldBytes {
  Budget& budget;
  uint64_t bytes;
  HeldBytes(Budget& b, uint64_t n) : budget(b), bytes(n) { allocate(b, n); }
  ~HeldBytes() { budget.release(bytes); }
};

// Python's int(v) for a range literal's bound, saturated well beyond the
// range's clamp: python-liquid takes 0 where int() raises ValueError (a
// string that is no int, NaN); TypeError and OverflowError propagate.
int64_t range_bound(const RValue& v) {
  constexpr int64_t kSat = int64_t{1} << 40;
  auto sat = [](Int i) { return static_cast<int64_t>(std::clamp<Int>(i, -kSat, kSat)); };
  if (v.is_undefined()) return 0;  // Undefined.__int__
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  if (v.is_int()) return sat(v.as_int());
  if (v.is_big()) return v.big_digits().front() == '-' ? -kSat : kSat;
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d)) return 0;
    if (std::isinf(d))
      throw FatalError{"OverflowError", "cannot convert float infinity to integer"};
    return static_cast<int64_t>(std::clamp(std::trunc(d), -double(kSat), double(kSat)));
  }
  if (v.is_string()) {
    std::optional<Int> i = parse_py_int(v.str());
    return i ? sat(*i) : 0;
  }
  using K = RValue::Kind;
  const char* type = v.is_nil()              ? "NoneType"
                     : v.is_range()          ? "range"
                     : v.is_map()            ? "dict"
                     : v.kind() == K::kEmpty ? "Empty"
                     : v.kind() == K::kBlank ? "Blank"
                     : v.kind() == K::kLoop  ? "ForLoop"
                                             : "list";
  throw FatalError{"TypeError",
                   std::string("int() argument must be a string, a bytes-like object or a real "
                               "number, not '") +
                       type + "'"};
}

// python-liquid's _make_range: a descending range is empty, the bounds are
// clamped to [-1024, 1024] (the stop after its +1).
Range make_range(int64_t start, int64_t stop) {
  constexpr int64_t kMin = -1024, kMax = 1024;
  if (start > stop) return Range{0, -1};
  return Range{std::clamp(start, kMin, kMax), std::clamp(stop + 1, kMin, kMax) - 1};
}

}  // namespace

Renderer::~Renderer() {
  budget_.release(held_);
}

void Renderer::count_output(size_t n) {
  // The current buffer is the render's output or a capture (a value to be).
  uint64_t max = budget_.limits().liquid_output_bytes;
  if (out_->size() > value_cap_)
    throw_limit(Limit::kLiquidOutputBytes, max,
                std::string(out_ == top_ ? "output stream limit reached: the render's output"
                                         : "value too large: a capture") +
                    " passed " + std::to_string(max) + " bytes");
  if (out_ == top_) allocate(budget_, n);  // held until the reply is sent
}

void Renderer::emit(std::string_view text) {
  out_->append(text);
  count_output(text.size());
}

void Renderer::emit_value(const RValue& v) {
  size_t before = out_->size();
  append_output(*out_, v);
  count_output(out_->size() - before);
}

void Renderer::enter_scope() {
  if (scopes_ + kBaseScopes > kContextDepthLimit)
    throw FilterError{"maximum context depth reached, possible recursive include"};
  ++scopes_;
}

void Renderer::count_iteration() {
  uint64_t max = budget_.limits().liquid_loop_iterations;
  if (max && ++iterations_ > max)
    throw_limit(Limit::kLiquidLoopIterations, max,
                "loop iteration limit reached: the render ran more than " + std::to_string(max) +
                    " loop iterations");
  spend(budget_, 1);
}

void Renderer::render_top(const Block& block) {
  for (const NodePtr& n : block.nodes) {
    try {
      render_node(*n);
    } catch (const FilterError&) {
      // LAX: the failing node keeps what it wrote; go on with the next.
    }
  }
}

Renderer::Flow Renderer::render_block(const Block& block) {
  if (block.blank && !block.nodes.empty()) {
    // Blank control-flow blocks run for their side effects only.
    std::string scratch;
    std::string* saved = out_;
    out_ = &scratch;
    Flow f = Flow::kNormal;
    try {
      for (const NodePtr& n : block.nodes) {
        f = render_node(*n);
        if (f != Flow::kNormal) break;
      }
    } catch (...) {
      out_ = saved;
      throw;
    }
    out_ = saved;
    return f;
  }
  for (const NodePtr& n : block.nodes) {
    Flow f = render_node(*n);
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

RValue Renderer::lookup(std::string_view name) {
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
    if (it->first == name) return it->second;
  for (const auto& kv : locals_)
    if (kv.first == name) return kv.second;
  if (const Value* v = globals_.find(name)) return RValue::from(*v);
  if (name == "now" || name == "today") {
    std::optional<Value>& slot = name == "now" ? now_ : today_;
    if (!slot) {
      std::time_t t = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&t, &tm);
      if (name == "now")
        slot = Value(DateTime{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, 0, false, 0});
      else
        slot = Value(Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
    }
    return RValue::from(*slot);
  }
  for (const auto& kv : counters_)
    if (kv.first == name) return RValue(kv.second);
  return RValue();
}

void Renderer::assign(const std::string& name, RValue v) {
  uint64_t bytes = value_bytes(v);
  allocate(budget_, bytes);
  held_ += bytes;
  if (RValue* slot = find_slot(locals_, name)) {
    uint64_t old = value_bytes(*slot);
    budget_.release(old);
    held_ -= old;
    *slot = std::move(v);
    return;
  }
  locals_.emplace_back(name, std::move(v));
}

int64_t& Renderer::counter(const std::string& name) {
  if (int64_t* c = find_slot(counters_, name)) return *c;
  counters_.emplace_back(name, 0);
  return counters_.back().second;
}

RValue Renderer::eval(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.literal;
    case Expr::Kind::kPath: {
      RValue v = lookup(e.root);
      for (const PathSegment& seg : e.segments) {
        if (v.is_undefined()) return v;
        switch (seg.kind) {
          case PathSegment::Kind::kKey:
            v = get_member(v, seg.key);
            break;
          case PathSegment::Kind::kIndex:
            v = get_index(v, RValue(seg.index));
            break;
          case PathSegment::Kind::kDynamic:
            v = get_index(v, eval(*seg.expr));
            break;
        }
      }
      return v;
    }
    case Expr::Kind::kRange: {
      int64_t start = range_bound(eval(*e.left));
      return RValue(make_range(start, range_bound(eval(*e.right))));
    }
    case Expr::Kind::kCompare: {
      RValue a = eval(*e.left);
      RValue b = eval(*e.right);
      bool ok = true;
      switch (e.op) {
        case CompareOp::kEq:
          return RValue(equals(a, b));
        case CompareOp::kNe:
          return RValue(!equals(a, b));
        case CompareOp::kContains: {
          bool r = contains(a, b, ok);
          if (!ok) throw FilterError{"'in' and 'contains' are not supported"};
          return RValue(r);
        }
        case CompareOp::kLt: {
          bool r = less_than(a, b, ok);
          if (!ok) throw FilterError{"cannot compare"};
          return RValue(r);
        }
        case CompareOp::kGt: {
          bool r = less_than(b, a, ok);
          if (!ok) throw FilterError{"cannot compare"};
          return RValue(r);
        }
        // python-liquid: `a <= b` is `_eq(a, b) or _lt(a, b)` (so two
        // undefined values are <=, and _lt is not asked when they are equal).
        case CompareOp::kLe: {
          if (equals(a, b)) return RValue(true);
          bool r = less_than(a, b, ok);
          if (!ok) throw FilterError{"cannot compare"};
          return RValue(r);
        }
        case CompareOp::kGe: {
          if (equals(a, b)) return RValue(true);
          bool r = less_than(b, a, ok);
          if (!ok) throw FilterError{"cannot compare"};
          return RValue(r);
        }
      }
      return RValue(false);
    }
    case Expr::Kind::kLogical: {
      // python-liquid groups and/or from the right, a and (b or c), and
      // evaluates the left operand first: walking the terms left to right,
      // the first that decides its level decides the whole.
      size_t last = e.terms.size() - 1;
      for (size_t i = 0; i < last; ++i) {
        bool t = eval_condition(*e.terms[i]);
        if (e.logic[i] == Logic::kAnd ? !t : t) return RValue(t);
      }
      return RValue(eval_condition(*e.terms[last]));
    }
  }
  return RValue();
}

RValue Renderer::eval_filtered(const FilteredExpr& fe) {
  if (!fe.expr) return RValue();
  RValue v = eval(*fe.expr);
  for (const FilterCall& f : fe.filters) {
    spend(budget_, 1);
    if (!f.def) throw FilterError{"unknown filter '" + f.name + "'"};
    int n = static_cast<int>(f.args.size());
    if (n < f.def->min_args || n > f.def->max_args)
      throw FilterError{f.name + ": wrong number of arguments"};
    for (const auto& kw : f.kwargs)  // only `default` takes a keyword argument
      if (std::string_view(f.def->name) != "default" || kw.first != "allow_false")
        throw FilterError{f.name + ": unexpected keyword argument '" + kw.first + "'"};
    Args args;
    args.reserve(f.args.size());
    for (const ExprPtr& a : f.args) args.push_back(eval(*a));
    KwArgs kwargs;
    for (const auto& kw : f.kwargs) kwargs.emplace_back(kw.first, eval(*kw.second));
    v = f.def->fn(v, args, kwargs);
    if (v.kind() == RValue::Kind::kStr || v.kind() == RValue::Kind::kList) {
      if (uint64_t n = value_bytes(v); n > value_cap_) check_value_size(n, f.name);
    }
  }
  return v;
}

RList Renderer::loop_items(const ForNode& node) {
  RValue it = eval(*node.iterable);
  RList items;
  if (it.is_map()) {
    items = map_items(*it.ref());
  } else if (it.is_list()) {
    items = it.items();
  } else if (it.is_string()) {
    if (!it.str().empty()) items.push_back(it);
  }  // anything else (numbers, bools, nil, empty, blank) has no items
  int64_t offset = 0;
  if (node.offset_continue) {
    for (const auto& kv : stop_index_)
      if (kv.first == node.loop_name) offset = kv.second;
  } else if (node.offset) {
    RValue o = eval(*node.offset);
    if (!o.is_none()) offset = to_int_arg(o, 0);
  }
  int64_t limit = -1;
  if (node.limit) {
    RValue l = eval(*node.limit);
    if (!l.is_none()) limit = to_int_arg(l, 0);
    // python-liquid ignores a literal `limit:0`.
    if (limit == 0 && node.limit->kind == Expr::Kind::kLiteral) limit = -1;
  }
  if (offset < 0) offset = 0;
  int64_t size = static_cast<int64_t>(items.size());
  int64_t begin = std::min(offset, size);
  // Compared, not added: begin + a huge `limit:` would overflow int64.
  int64_t end = limit < 0 || limit > size - begin ? size : begin + limit;
  RList out(items.begin() + begin, items.begin() + end);
  if (node.reversed) std::reverse(out.begin(), out.end());
  // Where `offset: continue` resumes: for and tablerow share the key (the
  // loop variable and its collection).
  if (int64_t* s = find_slot(stop_index_, node.loop_name))
    *s = end;
  else
    stop_index_.emplace_back(node.loop_name, end);
  return out;
}

Renderer::Flow Renderer::render_for(const ForNode& node) {
  RList items = loop_items(node);
  if (items.empty()) {
    if (node.alternative) return render_block(*node.alternative);
    return Flow::kNormal;
  }
  enter_scope();
  ScopeGuard scope{scopes_};
  HeldBytes held(budget_, items.size() * sizeof(RValue));
  LoopState state;
  state.name = node.loop_name;
  state.length = static_cast<int64_t>(items.size());
  state.parent = loop_;
  FrameGuard guard{frames_, frames_.size(), loop_, loop_};
  frames_.emplace_back("forloop", RValue(&state));
  frames_.emplace_back(node.var, RValue());
  size_t slot = frames_.size() - 1;
  loop_ = &state;
  for (size_t i = 0; i < items.size(); ++i) {
    count_iteration();
    state.index0 = static_cast<int64_t>(i);
    frames_[slot].second = items[i];
    Flow f = render_block(node.body);
    if (f == Flow::kBreak) break;
  }
  return Flow::kNormal;
}

void Renderer::render_tablerow(const ForNode& node) {
  RList items = loop_items(node);
  HeldBytes held(budget_, items.size() * sizeof(RValue));
  LoopState state;
  state.name = node.loop_name;
  state.tablerow = true;
  state.length = static_cast<int64_t>(items.size());
  state.parent = loop_;
  if (node.cols) {
    RValue c = eval(*node.cols);
    state.cols = c.is_none() ? 0 : to_int_arg(c, 0);
  }
  int64_t cols = state.cols > 0 ? state.cols : state.length;
  FrameGuard guard{frames_, frames_.size(), loop_, loop_};
  frames_.emplace_back("tablerowloop", RValue(&state));
  frames_.emplace_back(node.var, RValue());
  size_t slot = frames_.size() - 1;
  loop_ = &state;
  emit("<tr class=\"row1\">\n");
  enter_scope();
  ScopeGuard scope{scopes_};
  for (size_t i = 0; i < items.size(); ++i) {
    count_iteration();
    state.index0 = static_cast<int64_t>(i);
    frames_[slot].second = items[i];
    int64_t col0 = cols > 0 ? state.index0 % cols : 0;
    if (i > 0 && col0 == 0) {
      emit("</tr>\n<tr class=\"row" + std::to_string(state.index0 / cols + 1) + "\">");
    }
    emit("<td class=\"col" + std::to_string(col0 + 1) + "\">");
    Flow f = render_block(node.body);
    emit("</td>");
    if (f == Flow::kBreak) break;
  }
  emit("</tr>\n");
}

// python-liquid's case: every `when` block renders once per value equal to
// the subject (in order, however many match); an `else` block renders when
// no `when` before it matched (several `else` blocks are fine).
Renderer::Flow Renderer::render_case(const CaseNode& node) {
  RValue subject = eval(*node.subject);
  bool matched = false;
  for (const CaseNode::When& w : node.whens) {
    if (w.values.empty()) {
      if (!matched) {
        Flow f = render_block(w.body);
        if (f != Flow::kNormal) return f;
      }
      continue;
    }
    size_t count = 0;
    for (const ExprPtr& v : w.values)
      if (equals(subject, eval(*v))) ++count;
    if (count) matched = true;
    for (size_t i = 0; i < count; ++i) {
      Flow f = render_block(w.body);
      if (f != Flow::kNormal) return f;
    }
  }
  return Flow::kNormal;
}

void Renderer::render_cycle(const CycleNode& node) {
  // python-liquid keys a cycle by its group name and its evaluated items.
  RList items;
  items.reserve(node.items.size());
  for (const ExprPtr& e : node.items) items.push_back(eval(*e));
  std::string key = node.group ? py_str(eval(*node.group)) : std::string();
  for (const RValue& v : items) {
    key += '\x1f';
    append_py_repr(key, v);
  }
  int64_t* idx = find_slot(cycles_, key);
  if (!idx) {
    cycles_.emplace_back(key, 0);
    idx = &cycles_.back().second;
  }
  int64_t n = static_cast<int64_t>(items.size());
  const RValue& v = items[static_cast<size_t>(*idx % n)];
  ++*idx;
  emit_value(v);
}

Renderer::Flow Renderer::render_node(const Node& node) {
  spend(budget_, 1);
  switch (node.kind) {
    case Node::Kind::kText:
      emit(static_cast<const TextNode&>(node).text);
      return Flow::kNormal;
    case Node::Kind::kOutput:
      emit_value(eval_filtered(static_cast<const OutputNode&>(node).value));
      return Flow::kNormal;
    case Node::Kind::kIf: {
      const auto& n = static_cast<const IfNode&>(node);
      bool first = true;
      for (const auto& br : n.branches) {
        bool c = eval_condition(*br.first);
        if (first && n.negate_first) c = !c;
        first = false;
        if (c) return render_block(br.second);
      }
      if (n.alternative) return render_block(*n.alternative);
      return Flow::kNormal;
    }
    case Node::Kind::kCase:
      return render_case(static_cast<const CaseNode&>(node));
    case Node::Kind::kFor:
      return render_for(static_cast<const ForNode&>(node));
    case Node::Kind::kTablerow:
      render_tablerow(static_cast<const ForNode&>(node));
      return Flow::kNormal;
    case Node::Kind::kAssign: {
      const auto& n = static_cast<const AssignNode&>(node);
      assign(n.name, eval_filtered(n.value));
      return Flow::kNormal;
    }
    case Node::Kind::kCapture: {
      const auto& n = static_cast<const CaptureNode&>(node);
      std::string buf;
      std::string* saved = out_;
      out_ = &buf;
      Flow f;
      try {
        f = render_block(n.body);
      } catch (...) {
        out_ = saved;
        throw;
      }
      out_ = saved;
      // A break or continue leaves the capture before it assigns
      // (python-liquid's loop exceptions).
      if (f == Flow::kNormal) assign(n.name, RValue(std::move(buf)));
      return f;
    }
    case Node::Kind::kCycle:
      render_cycle(static_cast<const CycleNode&>(node));
      return Flow::kNormal;
    case Node::Kind::kIncrement: {
      int64_t& c = counter(static_cast<const CounterNode&>(node).name);
      emit(std::to_string(c));
      ++c;
      return Flow::kNormal;
    }
    case Node::Kind::kDecrement: {
      int64_t& c = counter(static_cast<const CounterNode&>(node).name);
      --c;
      emit(std::to_string(c));
      return Flow::kNormal;
    }
    case Node::Kind::kBreak:
      return Flow::kBreak;
    case Node::Kind::kContinue:
      return Flow::kContinue;
    case Node::Kind::kIfChanged: {
      std::string buf;
      std::string* saved = out_;
      out_ = &buf;
      Flow f;
      try {
        f = render_block(static_cast<const BlockNode&>(node).body);
      } catch (...) {
        out_ = saved;
        throw;
      }
      out_ = saved;
      if (f != Flow::kNormal) return f;  // left before comparing, as a capture
      if (buf != ifchanged_) {
        emit(buf);
        ifchanged_ = std::move(buf);
      }
      return Flow::kNormal;
    }
    case Node::Kind::kTemplate:
      throw FilterError{"no template loader: include and render cannot load a template"};
    case Node::Kind::kBlock: {
      const Block& b = static_cast<const BlockNode&>(node).body;
      for (const NodePtr& n : b.nodes) {
        Flow f = render_node(*n);
        if (f != Flow::kNormal) return f;
      }
      return Flow::kNormal;
    }
  }
  return Flow::kNormal;
}

}  // namespace lyn::liquid
