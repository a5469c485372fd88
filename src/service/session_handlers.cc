// /api/sessions: answered with 501 until sessions land (issue 5).
#include "service/handlers.h"

namespace lyn::service {

HandlerReply handle_sessions(const RequestContext&, std::string_view, std::string_view,
                             const Value&) {
  return error_reply(501, "NotImplementedError",
                     "Sessions are not available in this version of the lynguine server");
}

}  // namespace lyn::service
