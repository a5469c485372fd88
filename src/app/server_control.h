// The lifecycle commands of `lynguine serve`, acting on the server recorded
// in the state directory (ops/state_file.h):
//
//   serve_status()  `serve --status`: prints the state JSON (with "alive" and
//                   "state_file", without the token) and returns 0 if a live
//                   server is recorded; else prints "lynguine server not
//                   running" and returns 1.
//   serve_stop()    `serve --stop`: SIGTERM to the recorded server, waits for
//                   it to exit, returns 0; if none is running says so, 1.
//   serve_ensure()  `serve --ensure`: a running server of our version,
//                   started if needed; prints its state JSON (for clients in
//                   other languages); 1 if none can be started.
//
// Threads: call from the main thread; they print to stdout and stderr.
#ifndef LYNGUINE_APP_SERVER_CONTROL_H_
#define LYNGUINE_APP_SERVER_CONTROL_H_

namespace lyn::app {

int serve_status();
int serve_stop();
int serve_ensure();

}  // namespace lyn::app

#endif  // LYNGUINE_APP_SERVER_CONTROL_H_
