// /api/read_data and /api/write_data: lynguine's io.read_data and
// io.write_data behind JSON.
#include <optional>

#include "access/finalize.h"
#include "access/registry.h"
#include "config/interface.h"
#include "core/frame_json.h"
#include "service/handlers.h"

namespace lyn::service {

namespace {

// Python's text for `'key' in body` when the body is not a container.
Error not_iterable(const Value& body) {
  std::string t = body.is_null()   ? "NoneType"
                  : body.is_bool() ? "bool"
                  : body.is_int()  ? "int"
                                   : "float";
  return Error{"TypeError", "argument of type '" + t + "' is not iterable", 400};
}

// Reads and writes are charged to the request's Budget (core/budget.h:
// max_read_bytes, max_rows), installed by Api::handle.
access::IoContext io_context(const RequestContext& ctx) {
  access::IoContext io;
  io.paths = ctx.policy;
  io.cache = &ctx.cache;
  return io;
}

// The success answer {"status": "success", "data": {records, ...}},
// written from the frame's columns piece by piece.
class FrameAnswer : public BodyStream {
 public:
  explicit FrameAnswer(Frame frame)
      : frame_(std::move(frame)), writer_(frame_, FrameJsonWriter::Layout::kDataObject) {}
  bool next(std::string& out) override {
    if (writer_.next(out)) return true;
    if (closed_) return false;
    out += '}';
    closed_ = true;
    return true;
  }
  size_t size_hint() const override { return kHead.size() + writer_.estimated_size() + 1; }

  static constexpr std::string_view kHead = "{\"status\": \"success\", \"data\": ";

 private:
  const Frame frame_;
  FrameJsonWriter writer_;
  bool closed_ = false;
};

HandlerReply data_reply(Frame f) {
  HandlerReply r;
  r.raw = FrameAnswer::kHead;
  r.stream = std::make_shared<FrameAnswer>(std::move(f));
  return r;
}

}  // namespace

HandlerReply handle_read_data(const RequestContext& ctx, const Value& body) {
  if (!body.is_map() && !body.is_list() && !body.is_string())
    return error_reply(not_iterable(body));
  const Value* iface_file = body.get("interface_file");
  const Value* source = body.get("data_source");
  if (iface_file) {
    Interface::LoadOptions opts;
    opts.user_files = {py_str(*iface_file)};
    if (const Value* d = body.get("directory"); d && d->is_string())
      opts.directory = d->as_string();
    if (const Value* f = body.get("interface_field"); f && !f->is_null()) opts.field = py_str(*f);
    auto iface = Interface::from_base_file(opts, ctx.policy);
    if (!iface.ok()) return error_reply(iface.error());
    // lynguine reads the interface's own `input`. One whose input is only
    // inherited (the parent's input, with its outputs and series as inputs)
    // fails there in lynguine, though its sessions and field lookups use
    // that input: a correct server reads it.
    std::optional<Value> input;
    if (const Value* own = iface->data().find("input"))
      input = *own;
    else
      input = iface->get("input");
    if (!input) return error_reply(Error::value("Interface has no 'input' section"));
    access::IoContext io = io_context(ctx);
    io.expand_vars = true;  // the interface file's own paths, as lynguine
    auto frame = access::read_data(*input, io);
    if (!frame.ok()) return error_reply(frame.error());
    return data_reply(std::move(frame).value());
  }
  if (source) {
    auto frame = access::read_data(*source, io_context(ctx));
    if (!frame.ok()) return error_reply(frame.error());
    return data_reply(std::move(frame).value());
  }
  return error_reply(Error::value("Request must include either 'interface_file' or 'data_source'"));
}

HandlerReply handle_write_data(const RequestContext& ctx, const Value& body) {
  if (!body.is_map()) return error_reply(not_iterable(body));
  const Value* data = body.get("data");
  const Value* output = body.get("output");
  if (!data || !output)
    return error_reply(Error::value("Request must include both 'data' and 'output'"));
  const Value* records = data->get("records");
  if (!records || !records->is_list()) return error_reply(Error::key("'records'", 400));
  for (const auto& r : records->as_list())
    if (!r.is_map()) return error_reply(Error::value("Each record must be a mapping"));
  auto frame = access::frame_for_write(records->as_list(), data->get("columns"));
  if (!frame.ok()) return error_reply(frame.error());
  auto st = access::write_data(*frame, *output, io_context(ctx));
  if (!st.ok()) return error_reply(st.error());
  size_t n = records->as_list().size();
  return {200, Value(Map{{"status", Value("success")},
                         {"message", Value("Wrote " + std::to_string(n) + " records")}})};
}

}  // namespace lyn::service
