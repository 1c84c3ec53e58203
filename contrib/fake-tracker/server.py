"""The HTTP server: one thread per connection, the rate limit and faults in
front of the family's handler, the control endpoints, the request log."""

import http.server
import socket
import socketserver
import sys
import time
import traceback
import urllib.parse

from control import serve_control
from faults import fail_answer
from gazelle import gazelle_failure, serve_gazelle
from site_state import Upload
from unit3d import serve_unit3d
from web import Answer, BadRequest, BodyTooLarge, Request, json_answer


MAX_BODY = 64 * 1024 * 1024


def rate_limited_answer(t, retry_after):
    if t.site == "red":
        return json_answer(429, {"status": "failure", "error": "Rate limit exceeded"}, [("Retry-After", retry_after)])
    if t.site == "unit3d":
        return json_answer(429, {"message": "Too Many Attempts."}, [("Retry-After", retry_after)])
    return gazelle_failure(t, "Rate limit exceeded")  # OPS (and DIC) say it with HTTP 200


def request_name(t, req):
    """What the `fail` fault's `actions` match: "upload" for the upload POST
    of any family, otherwise the ajax action or UNIT3D's endpoint."""
    if t.site == "unit3d":
        if req.path == "/api/torrents/upload":
            return "upload"
        if req.path == "/api/torrents/filter":
            return "filter"
        return "download" if req.path.startswith("/torrent/download/") else ""
    if req.path == "/upload.php" and t.site == "dic":
        return "upload" if req.method == "POST" else ""
    return req.query.get("action", "") if req.path == "/ajax.php" else ""


def serve_site(t, req):
    """A site request: rate limit, the `fail` fault, then the family's handler.
    Returns the answer and whether it was a rate-limit refusal."""
    name = request_name(t, req)
    retry_after = t.admit(req.arrival, name)
    if retry_after is not None:
        return rate_limited_answer(t, retry_after), True
    given = t.take_answer(name)
    if given is not None:
        return given, False
    status = t.take_fail(name)
    if status is not None:
        if name == "upload" and req.method == "POST":
            Upload(t, req, "torrent" if t.site == "unit3d" else "file_input").record("failed")
        return fail_answer(status), False
    return (serve_unit3d if t.site == "unit3d" else serve_gazelle)(t, req), False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.serve()

    do_POST = do_GET

    def log_request(self, code="-", size="-"):
        pass  # one line per request is written by `serve`, without the query (it may hold a token)

    def log_message(self, format, *args):
        if not self.server.tracker.quiet:
            sys.stderr.write(f"fake-tracker: {format % args}\n")

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            raise BadRequest("bad Content-Length")
        if int(length) > MAX_BODY:
            raise BodyTooLarge()
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            raise ConnectionError("client went away mid-body")
        return body

    def read_chunked(self):
        body = bytearray()
        while True:
            try:
                size = int(self.rfile.readline(1024).split(b";")[0], 16)
            except ValueError:
                raise BadRequest("bad chunk size") from None
            if size < 0:
                raise BadRequest("bad chunk size")
            if size == 0:
                break
            if len(body) + size > MAX_BODY:
                raise BodyTooLarge()
            body += self.rfile.read(size)
            self.rfile.readline(1024)
        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return bytes(body)

    def serve(self):
        t = self.server.tracker
        arrival, wall = time.monotonic(), time.time()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        control = url.path.startswith("/_fake/")
        limited = False
        try:
            req = Request(self.command, url.path, query, self.headers, self.read_body(), arrival)
            if control:
                answer = serve_control(t, req)
            else:
                answer, limited = serve_site(t, req)
        except ConnectionError:
            self.close_connection = True
            return
        except BodyTooLarge:
            answer = Answer(413, b"request body over 64 MiB\n", "text/plain", close=True)
        except BadRequest as error:
            answer = (json_answer(400, {"ok": False, "error": str(error)}) if control
                      else Answer(400, f"{error}\n".encode(), "text/plain", close=True))
        except Exception:  # a bug here must not take the thread (or the test) down silently
            traceback.print_exc()
            answer = Answer(500, b"internal error in the fake tracker\n", "text/plain", close=True)
        if not control:
            # Recorded before the answer leaves, so a client that reads the
            # state right after its answer sees its own request.
            with t.lock:
                t.requests.append({"time": arrival, "wall": wall, "method": self.command, "path": url.path,
                                   "target": self.path, "headers": [[k, v] for k, v in self.headers.items()],
                                   "action": query.get("action", ""), "status": 0 if answer.drop else answer.status,
                                   "rateLimited": limited})
                delay = t.faults.get("slow", 0)
            if delay:
                time.sleep(delay)
        self.deliver(answer)
        if not t.quiet:
            action = f" action={query['action']}" if "action" in query else ""
            outcome = "dropped" if answer.drop else str(answer.status)
            sys.stderr.write(f"fake-tracker: {self.command} {url.path}{action} -> {outcome}"
                             f"{' (rate limited)' if limited else ''}\n")

    def deliver(self, answer):
        if answer.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        try:
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            if answer.content_type:
                self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            if answer.close:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer.body)
        except ConnectionError:
            self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def server_bind(self):
        # HTTPServer.server_bind asks DNS for the host's name, which can stall; nothing here needs it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]
