// One handler per endpoint of lynguine's HTTP API: a parsed JSON body in,
// a status and JSON body out. The route table (routes.cc) says which one
// answers which method and path.
//
// Thread safety: every handler is re-entrant; see ServiceContext.
#ifndef LYNGUINE_SERVICE_HANDLERS_H_
#define LYNGUINE_SERVICE_HANDLERS_H_

#include <cstddef>
#include <string_view>

#include "service/context.h"

namespace lyn::service {

HandlerReply handle_ping(const RequestContext& ctx, const Value& body);
HandlerReply handle_health(const RequestContext& ctx, const Value& body);
HandlerReply handle_status(const RequestContext& ctx, const Value& body);
HandlerReply handle_talk_field(const RequestContext& ctx, const Value& body);
HandlerReply handle_interface_read(const RequestContext& ctx, const Value& body);
HandlerReply handle_read_data(const RequestContext& ctx, const Value& body);
HandlerReply handle_write_data(const RequestContext& ctx, const Value& body);
HandlerReply handle_compute(const RequestContext& ctx, const Value& body);

// The compute operations (declared in routes.cc).
Result<Value> compute_render_liquid(const Value* params, const Value* data);
Result<Value> compute_today(const Value* params, const Value* data);

// /api/sessions and /api/sessions/{id}[/{operation}].
HandlerReply handle_session_create(const RequestContext& ctx, const Value& body);
HandlerReply handle_session_list(const RequestContext& ctx);
HandlerReply handle_session_info(const RequestContext& ctx, std::string_view id);
HandlerReply handle_session_delete(const RequestContext& ctx, std::string_view id);
HandlerReply handle_session_operation(const RequestContext& ctx, std::string_view id,
                                      std::string_view operation, const Value& body);
// Sessions open under options.root (none loaded, no access time touched).
std::size_t open_session_count(const ApiOptions& options);

}  // namespace lyn::service

#endif  // LYNGUINE_SERVICE_HANDLERS_H_
