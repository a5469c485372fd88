// Liquid abstract syntax tree: expressions (literals, variable paths,
// ranges, comparisons, and/or, filter chains) and nodes (text, output and
// one struct per tag). Built once by the parser, then only read.
//
// Thread safety: immutable after parsing; safe to read from many threads.
#ifndef LYNGUINE_ASSESS_LIQUID_AST_H_
#define LYNGUINE_ASSESS_LIQUID_AST_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "assess/liquid/filters.h"
#include "assess/liquid/rvalue.h"

namespace lyn::liquid {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct PathSegment {
  enum class Kind { kKey, kIndex, kDynamic };
  Kind kind = Kind::kKey;
  std::string key;
  int64_t index = 0;
  ExprPtr expr;
};

enum class CompareOp { kEq, kNe, kLt, kGt, kLe, kGe, kContains };
enum class Logic { kAnd, kOr };

struct Expr {
  enum class Kind { kLiteral, kPath, kRange, kCompare, kLogical };
  Kind kind = Kind::kLiteral;
  RValue literal;                     // kLiteral
  std::string root;                   // kPath
  std::vector<PathSegment> segments;  // kPath
  CompareOp op = CompareOp::kEq;      // kCompare
  ExprPtr left, right;                // kRange (start, stop), kCompare
  // kLogical: terms[0] logic[0] terms[1] logic[1] ... kept flat (a chain of
  // any length costs no stack), grouped from the right when evaluated.
  std::vector<ExprPtr> terms;
  std::vector<Logic> logic;
};

struct FilterCall {
  std::string name;
  const FilterDef* def = nullptr;  // nullptr: unknown filter (a render error)
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
};

struct FilteredExpr {
  ExprPtr expr;  // null for an empty `{{ }}`
  std::vector<FilterCall> filters;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
// A block of nodes. A blank block (only whitespace text and tags that print
// nothing) is rendered for its side effects only, as python-liquid does.
struct Block {
  std::vector<NodePtr> nodes;
  bool blank = true;
};

struct Node {
  enum class Kind {
    kText,
    kOutput,
    kIf,
    kCase,
    kFor,
    kTablerow,
    kAssign,
    kCapture,
    kCycle,
    kIncrement,
    kDecrement,
    kBreak,
    kContinue,
    kIfChanged,
    kBlock,     // a `{% liquid %}` tag's statements
    kTemplate,  // `include` / `render`: lynguine's environment has no loader
  };
  explicit Node(Kind k) : kind(k) {}
  virtual ~Node() = default;
  Kind kind;
};

struct TextNode : Node {
  TextNode() : Node(Kind::kText) {}
  std::string text;
};

struct OutputNode : Node {  // also `echo`
  OutputNode() : Node(Kind::kOutput) {}
  FilteredExpr value;
};

struct IfNode : Node {  // also `unless` (negate_first)
  IfNode() : Node(Kind::kIf) {}
  bool negate_first = false;
  std::vector<std::pair<ExprPtr, Block>> branches;
  std::optional<Block> alternative;
};

struct CaseNode : Node {
  CaseNode() : Node(Kind::kCase) {}
  ExprPtr subject;
  struct When {
    std::vector<ExprPtr> values;  // empty: an `else`
    Block body;
  };
  std::vector<When> whens;
};

struct ForNode : Node {  // also `tablerow`
  explicit ForNode(Kind k) : Node(k) {}
  std::string var;
  std::string loop_name;  // "var-collection", the offset:continue key
  ExprPtr iterable;
  ExprPtr limit, offset, cols;
  bool offset_continue = false;
  bool reversed = false;
  Block body;
  std::optional<Block> alternative;
};

struct AssignNode : Node {
  AssignNode() : Node(Kind::kAssign) {}
  std::string name;
  FilteredExpr value;
};

struct CaptureNode : Node {
  CaptureNode() : Node(Kind::kCapture) {}
  std::string name;
  Block body;
};

struct CycleNode : Node {
  CycleNode() : Node(Kind::kCycle) {}
  ExprPtr group;  // may be null
  std::vector<ExprPtr> items;
};

struct CounterNode : Node {  // increment / decrement
  explicit CounterNode(Kind k) : Node(k) {}
  std::string name;
};

struct BlockNode : Node {  // ifchanged, liquid
  explicit BlockNode(Kind k) : Node(k) {}
  Block body;
};

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_AST_H_
