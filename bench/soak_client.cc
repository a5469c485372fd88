// Soak load generator for `lynguine serve`: plain sockets, keep-alive
// connections spread over a few threads (poll() per thread), a fixed mix of
// requests whose expected status is known, bounded by a request count and a
// time limit. Loopback only. Samples the server's VmRSS every second.
//
//   soak_client --port P --pid PID [--requests 1000000] [--seconds 120]
//               [--connections 64] [--threads 4] [--csv data/people.csv]
//               [--markdown talk.md] [--config _lamd.yml] [--json]
//
// Exit status: 0 when every response had the expected status and no
// connection failed; 1 otherwise; 2 on bad usage.
//
// Standalone (no project headers): g++ -O2 -std=c++20 -pthread.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Kind {
  std::string name;
  std::string request;  // full HTTP/1.1 request text
  int expect;           // expected status
};

struct Options {
  int port = 0;
  long pid = 0;
  long requests = 1000000;
  double seconds = 120;
  int connections = 64;
  int threads = 4;
  std::string csv = "data/people.csv";
  std::string markdown = "talk.md";
  std::string config = "_lamd.yml";
  bool json = false;
};

std::string post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

std::vector<Kind> make_kinds(const Options& o) {
  return {
      {"ping", get("/api/ping"), 200},
      {"talk_field",
       post("/api/talk/field", "{\"field\":\"title\",\"markdown_file\":\"" + o.markdown +
                                   "\",\"config_files\":[\"" + o.config + "\"]}"),
       200},
      {"read_csv",
       post("/api/read_data",
            "{\"data_source\":{\"type\":\"csv\",\"filename\":\"" + o.csv + "\"}}"),
       200},
      {"render_liquid",
       post("/api/compute",
            "{\"operation\":\"render_liquid\",\"params\":{\"template\":"
            "\"{% for x in xs %}{{ x | upcase }}-{% endfor %}{{ n | plus: 1 }}\","
            "\"context\":{\"xs\":[\"a\",\"b\",\"c\"],\"n\":41}}}"),
       200},
      {"bad_json", post("/api/read_data", "{data_source: csv"), 400},
      {"unknown_path", post("/api/no/such/endpoint", "{}"), 404},
  };
}

struct Stats {
  std::vector<long> sent, ok, bad;  // per kind
  long conn_errors = 0, reconnects = 0;
  std::vector<std::string> samples;  // first few mismatches
};

std::atomic<long> g_issued{0};
std::atomic<bool> g_stop{false};
std::mutex g_mu;

struct Conn {
  int fd = -1;
  size_t kind = 0;
  std::string out;
  size_t out_off = 0;
  std::string in;
  bool busy = false;
  Clock::time_point started;
};

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Parses one complete response from `in`; returns bytes consumed (0: need
// more, -1: malformed). Sets status and whether the server closes.
long parse_response(const std::string& in, int* status, bool* closing) {
  size_t hdr_end = in.find("\r\n\r\n");
  if (hdr_end == std::string::npos) return in.size() > 65536 ? -1 : 0;
  if (in.compare(0, 9, "HTTP/1.1 ") != 0 && in.compare(0, 9, "HTTP/1.0 ") != 0) return -1;
  *status = std::atoi(in.c_str() + 9);
  std::string head = in.substr(0, hdr_end);
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  *closing = lower.find("\r\nconnection: close") != std::string::npos;
  size_t body_start = hdr_end + 4;
  size_t cl = lower.find("\r\ncontent-length:");
  if (cl != std::string::npos) {
    long n = std::atol(lower.c_str() + cl + 17);
    if (in.size() < body_start + static_cast<size_t>(n)) return 0;
    return static_cast<long>(body_start + n);
  }
  if (lower.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
    size_t p = body_start;
    for (;;) {
      size_t eol = in.find("\r\n", p);
      if (eol == std::string::npos) return 0;
      long n = std::strtol(in.c_str() + p, nullptr, 16);
      if (n == 0) {
        size_t end = in.find("\r\n\r\n", eol);
        if (end == std::string::npos) return in.size() >= eol + 4 ? -1 : 0;
        return static_cast<long>(end + 4);
      }
      p = eol + 2 + n + 2;
      if (in.size() < p) return 0;
    }
  }
  return *closing ? -1 : static_cast<long>(body_start);  // no body
}

void worker(const Options& o, const std::vector<Kind>& kinds, int nconn, int first_kind,
            Clock::time_point deadline, Stats* st) {
  std::vector<Conn> conns(nconn);
  size_t next_kind = first_kind;
  auto fail = [&](Conn& c, const char* why) {
    {
      std::lock_guard<std::mutex> l(g_mu);
      if (st->samples.size() < 10) st->samples.push_back(std::string(why) + " (" +
                                                         kinds[c.kind].name + ")");
    }
    st->conn_errors++;
    if (c.busy) st->bad[c.kind]++;
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
    c.busy = false;
    c.in.clear();
  };
  std::vector<pollfd> pfds(nconn);
  char buf[65536];
  for (;;) {
    bool any_busy = false;
    for (auto& c : conns) {
      if (!c.busy && !g_stop.load(std::memory_order_relaxed) && Clock::now() < deadline) {
        if (g_issued.fetch_add(1) >= o.requests) {
          g_stop = true;
        } else {
          if (c.fd < 0) {
            c.fd = connect_to(o.port);
            if (c.fd < 0) {
              st->conn_errors++;
              std::this_thread::sleep_for(std::chrono::milliseconds(10));
              continue;
            }
          }
          c.kind = next_kind++ % kinds.size();
          c.out = kinds[c.kind].request;
          c.out_off = 0;
          c.busy = true;
          c.started = Clock::now();
          st->sent[c.kind]++;
        }
      }
      any_busy |= c.busy;
    }
    if (!any_busy) break;
    for (int i = 0; i < nconn; ++i) {
      pfds[i].fd = conns[i].busy ? conns[i].fd : -1;
      pfds[i].events = conns[i].out_off < conns[i].out.size() ? POLLOUT : POLLIN;
      pfds[i].revents = 0;
    }
    int r = poll(pfds.data(), nconn, 1000);
    if (r < 0 && errno != EINTR) break;
    auto now = Clock::now();
    for (int i = 0; i < nconn; ++i) {
      Conn& c = conns[i];
      if (!c.busy) continue;
      if (now - c.started > std::chrono::seconds(30)) {
        fail(c, "timeout");
        continue;
      }
      short ev = pfds[i].revents;
      if (!ev) continue;
      if (c.out_off < c.out.size()) {
        ssize_t n = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) {
          fail(c, "send failed");
          continue;
        }
        c.out_off += n;
        continue;
      }
      ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) {
        fail(c, n == 0 ? "server closed connection mid-response" : "recv failed");
        continue;
      }
      c.in.append(buf, n);
      int status = 0;
      bool closing = false;
      long used = parse_response(c.in, &status, &closing);
      if (used < 0) {
        fail(c, "malformed response");
        continue;
      }
      if (used == 0) continue;
      if (status == kinds[c.kind].expect) {
        st->ok[c.kind]++;
      } else {
        st->bad[c.kind]++;
        std::lock_guard<std::mutex> l(g_mu);
        if (st->samples.size() < 10)
          st->samples.push_back(kinds[c.kind].name + ": status " + std::to_string(status) +
                                " (expected " + std::to_string(kinds[c.kind].expect) + ")");
      }
      c.in.erase(0, used);
      c.busy = false;
      if (closing) {
        close(c.fd);
        c.fd = -1;
        st->reconnects++;
      }
    }
  }
  for (auto& c : conns)
    if (c.fd >= 0) close(c.fd);
}

long read_rss_kb(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

bool arg(int& i, int argc, char** argv, const char* name, std::string* out) {
  if (std::strcmp(argv[i], name) != 0) return false;
  if (i + 1 >= argc) {
    std::fprintf(stderr, "%s needs a value\n", name);
    std::exit(2);
  }
  *out = argv[++i];
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string v;
    if (arg(i, argc, argv, "--port", &v)) o.port = std::atoi(v.c_str());
    else if (arg(i, argc, argv, "--pid", &v)) o.pid = std::atol(v.c_str());
    else if (arg(i, argc, argv, "--requests", &v)) o.requests = std::atol(v.c_str());
    else if (arg(i, argc, argv, "--seconds", &v)) o.seconds = std::atof(v.c_str());
    else if (arg(i, argc, argv, "--connections", &v)) o.connections = std::atoi(v.c_str());
    else if (arg(i, argc, argv, "--threads", &v)) o.threads = std::atoi(v.c_str());
    else if (arg(i, argc, argv, "--csv", &v)) o.csv = v;
    else if (arg(i, argc, argv, "--markdown", &v)) o.markdown = v;
    else if (arg(i, argc, argv, "--config", &v)) o.config = v;
    else if (std::strcmp(argv[i], "--json") == 0) o.json = true;
    else {
      std::fprintf(stderr, "unknown argument %s (see the comment at the top of soak_client.cc)\n",
                   argv[i]);
      return 2;
    }
  }
  if (o.port <= 0 || o.connections <= 0 || o.threads <= 0) {
    std::fprintf(stderr, "usage: soak_client --port P [--pid PID] [--requests N] [--seconds S]\n");
    return 2;
  }
  o.threads = std::min(o.threads, o.connections);
  auto kinds = make_kinds(o);

  // RSS sampler: one sample a second (plus one at start and one at the end).
  std::vector<long> rss;
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    if (o.pid <= 0) return;
    while (sampling) {
      long kb = read_rss_kb(o.pid);
      if (kb > 0) {
        std::lock_guard<std::mutex> l(g_mu);
        rss.push_back(kb);
      }
      for (int k = 0; k < 10 && sampling; ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  auto t0 = Clock::now();
  auto deadline = t0 + std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
  std::vector<Stats> stats(o.threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    int n = o.connections / o.threads + (t < o.connections % o.threads ? 1 : 0);
    stats[t].sent.assign(kinds.size(), 0);
    stats[t].ok.assign(kinds.size(), 0);
    stats[t].bad.assign(kinds.size(), 0);
    threads.emplace_back(worker, std::cref(o), std::cref(kinds), n, t, deadline, &stats[t]);
  }
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  sampling = false;
  sampler.join();
  if (o.pid > 0) {
    long kb = read_rss_kb(o.pid);
    if (kb > 0) rss.push_back(kb);
  }

  Stats total;
  total.sent.assign(kinds.size(), 0);
  total.ok.assign(kinds.size(), 0);
  total.bad.assign(kinds.size(), 0);
  for (auto& s : stats) {
    for (size_t k = 0; k < kinds.size(); ++k) {
      total.sent[k] += s.sent[k];
      total.ok[k] += s.ok[k];
      total.bad[k] += s.bad[k];
    }
    total.conn_errors += s.conn_errors;
    total.reconnects += s.reconnects;
    for (auto& m : s.samples)
      if (total.samples.size() < 10) total.samples.push_back(m);
  }
  long completed = 0, errors = 0;
  for (size_t k = 0; k < kinds.size(); ++k) {
    completed += total.ok[k] + total.bad[k];
    errors += total.bad[k];
  }
  long sent = 0;
  for (long s : total.sent) sent += s;
  errors += std::max(0L, sent - completed);  // lost in flight (should not happen)
  long rss_start = rss.empty() ? -1 : rss.front();
  long rss_end = rss.empty() ? -1 : rss.back();
  long rss_peak = rss.empty() ? -1 : *std::max_element(rss.begin(), rss.end());
  // Growth over the second half: least-squares slope of the samples, and
  // whether the last quarter's minimum sits above the midpoint sample.
  double slope_kb_s = 0;
  long rss_mid = rss.empty() ? -1 : rss[rss.size() / 2];
  bool growing = false;
  if (rss.size() >= 6) {
    size_t h = rss.size() / 2, m = rss.size() - h;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < m; ++i) {
      double x = i, y = rss[h + i];
      sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    double den = m * sxx - sx * sx;
    slope_kb_s = den != 0 ? (m * sxy - sx * sy) / den : 0;
    long q_min = *std::min_element(rss.begin() + rss.size() * 3 / 4, rss.end());
    growing = slope_kb_s > 0 && q_min > rss_mid + std::max(1024L, rss_mid / 50);
  }
  double rps = elapsed > 0 ? completed / elapsed : 0;

  if (o.json) {
    std::printf("{\"requests\": %ld, \"completed\": %ld, \"errors\": %ld, \"connection_errors\": %ld,"
                " \"reconnects\": %ld, \"seconds\": %.2f, \"rps\": %.0f, \"rss_start_kb\": %ld,"
                " \"rss_peak_kb\": %ld, \"rss_end_kb\": %ld, \"rss_mid_kb\": %ld,"
                " \"rss_slope_second_half_kb_per_s\": %.2f, \"rss_growing\": %s, \"rss_samples\": %zu,"
                " \"kinds\": {",
                sent, completed, errors, total.conn_errors, total.reconnects, elapsed, rps,
                rss_start, rss_peak, rss_end, rss_mid, slope_kb_s, growing ? "true" : "false",
                rss.size());
    for (size_t k = 0; k < kinds.size(); ++k)
      std::printf("%s\"%s\": {\"sent\": %ld, \"ok\": %ld, \"bad\": %ld}", k ? ", " : "",
                  kinds[k].name.c_str(), total.sent[k], total.ok[k], total.bad[k]);
    std::printf("}, \"mismatches\": [");
    for (size_t i = 0; i < total.samples.size(); ++i) {
      std::string s = total.samples[i];
      for (auto& ch : s)
        if (ch == '"' || ch == '\\') ch = '\'';
      std::printf("%s\"%s\"", i ? ", " : "", s.c_str());
    }
    std::printf("]}\n");
  } else {
    std::printf("soak: %ld requests in %.1f s (%.0f req/s), %ld errors, %ld connection errors, "
                "%ld reconnects\n",
                completed, elapsed, rps, errors, total.conn_errors, total.reconnects);
    for (size_t k = 0; k < kinds.size(); ++k)
      std::printf("  %-14s sent %9ld  ok %9ld  bad %ld\n", kinds[k].name.c_str(), total.sent[k],
                  total.ok[k], total.bad[k]);
    if (!rss.empty())
      std::printf("server RSS: start %ld KiB, peak %ld KiB, end %ld KiB; second half slope "
                  "%.1f KiB/s, %s\n",
                  rss_start, rss_peak, rss_end, slope_kb_s,
                  growing ? "STILL GROWING" : "flat (not growing)");
    for (auto& m : total.samples) std::printf("  mismatch: %s\n", m.c_str());
  }
  return errors == 0 && total.conn_errors == 0 ? 0 : 1;
}
