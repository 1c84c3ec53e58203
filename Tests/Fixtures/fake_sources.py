#!/usr/bin/env python3
"""A local stand-in for MusicBrainz WS/2 and the Cover Art Archive, for tests.

Serves the JSON layouts the services document (release search with scores,
artist credits with join phrases, release groups with primary and secondary
types, label info, media; Cover Art Archive image lists with thumbnails).
Prints its port on the first line of stdout, then serves until killed.

  --fail N       the first N requests get 503 with Retry-After: 1 (MusicBrainz's rate limiter)
  --bad-json     every search answers 200 with a body cut in the middle
GET /_fake/requests  ->  [{"path": ..., "userAgent": ...}] (not recorded itself)
"""
import argparse, json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

RELEASES = [
    {"id": "11111111-1111-4111-8111-111111111111", "score": 100, "title": "Fixture Album", "status": "Official",
     "date": "2019-03-01", "country": "XW", "barcode": "0123456789012", "track-count": 3,
     "artist-credit": [{"name": "Fixture Artist", "joinphrase": " feat. "}, {"name": "Guest Singer", "joinphrase": ""}],
     "release-group": {"id": "99999999-9999-4999-8999-999999999999", "primary-type": "Album", "secondary-types": ["Live"]},
     "label-info": [{"catalog-number": "FIX-001", "label": {"name": "Fixture Records &amp; Sons"}}],
     "media": [{"format": "Digital Media", "track-count": 3}]},
    {"id": "22222222-2222-4222-8222-222222222222", "score": 90, "title": "Fixture Album (Deluxe Edition)", "status": "Official",
     "date": "2021", "track-count": 12,
     "artist-credit": [{"name": "Fixture Artist", "joinphrase": ""}],
     "release-group": {"id": "88888888-8888-4888-8888-888888888888", "primary-type": "Album", "secondary-types": []},
     "label-info": [], "media": [{"format": "CD", "track-count": 12}]},
    {"id": "33333333-3333-4333-8333-333333333333", "score": 60, "title": "Another Record", "status": "Bootleg",
     "date": "2019", "track-count": 3,
     "artist-credit": [{"name": "Someone Else", "joinphrase": ""}],
     "release-group": {"id": "77777777-7777-4777-8777-777777777777", "primary-type": "EP"},
     "media": [{"format": "12\" Vinyl", "track-count": 3}]},
]
# Cover Art Archive: the first release has its own front, the second only its release group's.
COVERS = {
    "/release/11111111-1111-4111-8111-111111111111": "front-1",
    "/release-group/88888888-8888-4888-8888-888888888888": "group-front-2",
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        server = self.server
        if url.path == "/_fake/requests":
            return self.answer(200, server.requests)
        with server.lock:
            server.requests.append({"path": self.path, "userAgent": self.headers.get("User-Agent", "")})
            failing = server.fail > 0
            server.fail -= 1 if failing else 0
        if failing:
            return self.answer(503, {"error": "Your requests are exceeding the allowable rate limit."}, [("Retry-After", "1")])
        if url.path == "/ws/2/release/":
            if server.bad_json:
                return self.answer(200, b'{"releases": [{"id": "1111')
            query = parse_qs(url.query).get("query", [""])[0].lower()
            found = [r for r in RELEASES if "fixture" in query or "another" in query]
            return self.answer(200, {"created": "2026-11-29T00:00:00Z", "count": len(found), "offset": 0, "releases": found})
        if url.path in COVERS:
            name = COVERS[url.path]
            base = f"http://127.0.0.1:{server.server_port}/images/{name}"
            return self.answer(200, {"release": "x", "images": [
                {"front": False, "types": ["Back"], "image": base + "-back.jpg", "thumbnails": {}},
                {"front": True, "types": ["Front"], "approved": True, "image": base + ".jpg",
                 "thumbnails": {"250": base + "-250.jpg", "500": base + "-500.jpg", "1200": base + "-1200.jpg"}}]})
        if url.path.startswith("/images/"):
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", "50000")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(b"\xff\xd8" + b"\0" * 49998)
            return
        return self.answer(404, {"error": "Not Found"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--bad-json", action="store_true")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.requests, server.lock, server.fail, server.bad_json = [], threading.Lock(), args.fail, args.bad_json
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
