"""A loopback HTTP proxy that injects faults, for test/remote and bench/remote.sh.

A request for /fault/SPEC/FILE is forwarded to the upstream server as /FILE,
with the faults SPEC lists (comma-separated; "none" for none). Counts are per
(SPEC, FILE), so each test line starts from request 0 with a SPEC of its own:

  delay=MS     every request waits MS milliseconds first (a round trip)
  err500=N     the first N requests are answered 500
  err500from=N requests after the first N are answered 500 (a failure in
               the middle of a long read)
  drop=N       the first N responses close the connection halfway through
               their body
  stall=N      the first N requests get no answer (the client must time out)
  stallfrom=N  requests after the first N get no answer (a cancel must stop
               the client)
  norange      the Range header is removed: the server answers 200 with the
               whole object
  firstrange   a multi-range request (Range: bytes=a-b,c-d,...) is sent on
               with its first range only: the server answers one range, as
               object stores that do not serve several ranges in one
               response do
  multi200     a multi-range request's Range header is removed: the server
               answers 200 with the whole object
  replace=N    requests after the first N are served FILE.v2 (the object was
               replaced while it was read)
  noetag       the ETag header is removed from responses (versions are then
               told apart by Last-Modified)

Each request is logged to the log file: "METHOD PATH STATUS BYTES", BYTES the
body bytes sent.
"""

import http.client
import http.server
import threading
import time

HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection",
       "te", "upgrade", "host"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.forward("HEAD")

    def do_GET(self):
        self.forward("GET")

    def forward(self, method):
        srv = self.server
        parts = self.path.split("/", 3)
        faults, target = {}, self.path
        if len(parts) == 4 and parts[1] == "fault":
            for f in parts[2].split(","):
                k, _, v = f.partition("=")
                faults[k] = int(v) if v else 1
            target = "/" + parts[3]
        with srv.lock:
            key = (parts[2] if faults else "", target)
            n = srv.counts.get(key, 0)
            srv.counts[key] = n + 1
        sent, status = 0, 0
        try:
            if "delay" in faults:
                time.sleep(faults["delay"] / 1000.0)
            if n < faults.get("stall", 0) or n >= faults.get("stallfrom",
                                                             1 << 62):
                time.sleep(60)
                self.close_connection = True
                return
            if n < faults.get("err500", 0) or n >= faults.get("err500from",
                                                              1 << 62):
                status = 500
                body = b"injected failure\n"
                self.send_response(500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                sent = len(body)
                return
            if "replace" in faults and n >= faults["replace"]:
                target += ".v2"
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP}
            ranges = headers.get("Range", headers.get("range", ""))
            if "," in ranges and "firstrange" in faults:
                headers = {k: (ranges.split(",")[0] if k.lower() == "range"
                               else v) for k, v in headers.items()}
            if "," in ranges and "multi200" in faults:
                headers = {k: v for k, v in headers.items()
                           if k.lower() not in ("range", "if-match")}
            if "norange" in faults:
                headers = {k: v for k, v in headers.items()
                           if k.lower() not in ("range", "if-match",
                                                "if-none-match")}
            conn = http.client.HTTPConnection("127.0.0.1", srv.upstream)
            conn.request(method, target, headers=headers)
            r = conn.getresponse()
            status = r.status
            self.send_response(r.status)
            length = None
            for k, v in r.getheaders():
                if k.lower() in HOP or ("noetag" in faults and
                                        k.lower() == "etag"):
                    continue
                if k.lower() == "content-length":
                    length = int(v)
                self.send_header(k, v)
            self.end_headers()
            limit = length if length is not None else 1 << 62
            if n < faults.get("drop", 0) and length:
                limit = length // 2
            while method == "GET" and sent < limit:
                chunk = r.read(min(65536, limit - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
            conn.close()
            if length is not None and sent < length:
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with srv.lock:
                srv.log.write(f"{method} {self.path} {status} {sent}\n")
                srv.log.flush()


class Server(http.server.ThreadingHTTPServer):
    # socketserver's backlog of 5 drops the SYNs of a client that opens
    # dozens of connections at once (scattered small reads in parallel); a
    # dropped SYN costs a one-second retransmit, not a round trip.
    request_queue_size = 256


def serve(upstream_port, log_path):
    """Starts the proxy on a free loopback port in a thread; returns it."""
    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.upstream = upstream_port
    server.lock = threading.Lock()
    server.counts = {}
    server.log = open(log_path, "a")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    # Standalone, for bench/remote.sh: faultproxy.py UPSTREAM_PORT LOG
    import sys
    s = serve(int(sys.argv[1]), sys.argv[2])
    print(s.server_address[1], flush=True)
    threading.Event().wait()
