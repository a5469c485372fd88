// One handler per endpoint of lynguine's HTTP API: a parsed JSON body in,
// a status and JSON body out. The router (api.cc) decides which one runs.
//
// Thread safety: every handler is re-entrant; see ServiceContext.
#ifndef LYNGUINE_SERVICE_HANDLERS_H_
#define LYNGUINE_SERVICE_HANDLERS_H_

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
// Everything under /api/sessions; `method` is GET, POST or DELETE.
HandlerReply handle_sessions(const RequestContext& ctx, std::string_view method,
                             std::string_view path, const Value& body);

// The endpoint list /api/status reports.
const std::vector<std::string>& endpoint_list();

}  // namespace lyn::service

#endif  // LYNGUINE_SERVICE_HANDLERS_H_
