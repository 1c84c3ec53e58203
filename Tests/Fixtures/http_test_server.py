#!/usr/bin/env python3
"""A loopback HTTP server for mkt's HTTP tests (standard library only).

Prints its port on the first line, then serves until killed:
  /echo           the request as JSON: method, path, headers, multipart parts or body size
  /status/N       answers status N; ?retry_after=V adds a Retry-After header
  /slow?seconds=S answers after S seconds
  /drop           closes the connection without answering
  /record/...     keeps the request (method, path, headers, body as text) and answers
                  ?status=N (default 200); GET /recorded gives the requests kept, in order
"""
import email.parser, email.policy, http.server, json, socketserver, sys, threading, time, urllib.parse

recorded = []
recorded_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/echo":
            parts = []
            kind = self.headers.get("Content-Type", "")
            if kind.startswith("multipart/form-data"):
                message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                    b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body)
                for part in message.iter_parts():
                    payload = part.get_payload(decode=True)
                    parts.append({"name": part.get_param("name", header="content-disposition"),
                                  "filename": part.get_filename(), "type": part.get_content_type(),
                                  "size": len(payload), "text": payload.decode("utf-8", "replace")})
            self.answer(200, {"method": self.command, "path": url.path, "parts": parts, "size": len(body),
                              "headers": {k.lower(): v for k, v in self.headers.items()}})
        elif url.path.startswith("/status/"):
            extra = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
            self.answer(int(url.path.split("/")[2]), {"status": "failure"}, extra)
        elif url.path == "/slow":
            time.sleep(float(query.get("seconds", "3")))
            self.answer(200, {"slow": True})
        elif url.path.startswith("/record/"):
            with recorded_lock:
                recorded.append({"method": self.command, "path": url.path, "body": body.decode("utf-8", "replace"),
                                 "headers": {k.lower(): v for k, v in self.headers.items()}})
            self.answer(int(query.get("status", "200")), {"recorded": True})
        elif url.path == "/recorded":
            with recorded_lock:
                self.answer(200, list(recorded))
        elif url.path == "/drop":
            self.close_connection = True
            self.connection.shutdown(2)
        else:
            self.answer(404, {"error": "no such path"})

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
