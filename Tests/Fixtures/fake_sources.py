#!/usr/bin/env python3
"""A local stand-in for MusicBrainz WS/2, the Cover Art Archive and Discogs, for tests.

Serves the JSON layouts the services document (release search with scores,
artist credits with join phrases, release groups with primary and secondary
types, label info, media; Cover Art Archive image lists with thumbnails).
Prints its port on the first line of stdout, then serves until killed.

  --fail N       the first N requests get 503 with Retry-After: 1 (MusicBrainz's rate limiter)
  --bad-json     every search answers 200 with a body cut in the middle
  --discogs-429 N  the first N Discogs requests get 429 with Retry-After: 1
Last.fm (/2.0/?method=album.getinfo) takes api_key=fake-lastfm-key (error 10 otherwise).
Audnexus knows one book, /books/B0FIXTURE1 (and its /chapters).
Discogs answers only `Authorization: Discogs token=fake-discogs-token` (401 otherwise);
its images are served here too, to the same token only.
ptpimg: POST /upload.php with api_key=fake-ptpimg-key and file-upload[0] (a JPEG or
a PNG) answers [{"code", "ext"}]; the image is then at /<code>.<ext>.
GET /_fake/requests  ->  [{"path", "userAgent", "accept"}] (not recorded itself)
"""
import argparse, hashlib, json, re, sys, threading
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
# Discogs, in its plain-text flavour: names with the " (2)" suffix and "*" to clean.
DISCOGS = {
    501: {"id": 501, "title": "Fixture Album", "year": 2019, "country": "Germany",
          "artists": [{"name": "Fixture Artist (2)", "anv": "", "join": "Feat."}, {"name": "Guest Singer*", "anv": "", "join": ""}],
          "labels": [{"name": "Fixture Records", "catno": "FIX-001"}],
          "formats": [{"name": "File", "qty": "3", "descriptions": ["FLAC", "EP"]}],
          "tracklist": [{"position": "1", "type_": "track", "title": "Opening Tone", "duration": "0:03"},
                        {"position": "", "type_": "heading", "title": "Side B", "duration": ""},
                        {"position": "2", "type_": "track", "title": "Café Interlude", "duration": "0:03"},
                        {"position": "3", "type_": "track", "title": "Closing Tone", "duration": "0:03"}],
          "images": [{"type": "secondary", "uri": "{base}/discogs-images/back.jpg"}, {"type": "primary", "uri": "{base}/discogs-images/front.jpg"}]},
    502: {"id": 502, "title": "Fixture Album", "year": 2020,
          "artists": [{"name": "Beatles, The", "anv": "", "join": ""}],
          "labels": [{"name": "Other Label", "catno": "none"}],
          "formats": [{"name": "Vinyl", "descriptions": ["LP", "Album"]}],
          "tracklist": [{"position": "A1", "type_": "track", "title": "x"}], "images": []},
}

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
        discogs = url.path.startswith("/database/") or url.path.startswith("/releases/") or url.path.startswith("/discogs-images/")
        with server.lock:
            server.requests.append({"path": self.path, "userAgent": self.headers.get("User-Agent", ""), "accept": self.headers.get("Accept", "")})
            failing = server.fail > 0
            server.fail -= 1 if failing else 0
            throttled = discogs and server.discogs_429 > 0
            server.discogs_429 -= 1 if throttled else 0
        if throttled:
            return self.answer(429, {"message": "You are making requests too quickly."}, [("Retry-After", "1")])
        if discogs and self.headers.get("Authorization") != "Discogs token=fake-discogs-token":
            return self.answer(401, {"message": "You must authenticate to access this resource."})
        if url.path == "/books/B0FIXTURE1":
            return self.answer(200, {"asin": "B0FIXTURE1", "title": "The Fixture Book", "authors": [{"asin": "A1", "name": "An Author"}],
                                     "narrators": [{"name": "A Narrator"}, {"name": "Second &amp; Voice"}],
                                     "seriesPrimary": {"asin": "S1", "name": "Fixture Saga", "position": "2"},
                                     "image": "https://m.media.example/fixture-book.jpg", "releaseDate": "2021-05-04T00:00:00.000Z",
                                     "publisherName": "Fixture Audio", "genres": [{"name": "Fantasy", "type": "genre"}],
                                     "summary": "<p>A <b>fixture</b> of a book.</p><p>Its second paragraph &amp; more.</p>"})
        if url.path == "/books/B0FIXTURE1/chapters":
            return self.answer(200, {"asin": "B0FIXTURE1", "chapters": [{"title": "Opening Credits", "startOffsetMs": 0, "lengthMs": 9000},
                                                                        {"title": "Chapter 1", "startOffsetMs": 9000, "lengthMs": 60000}]})
        if url.path.startswith("/books/"):
            return self.answer(404, {"statusCode": 404, "error": "Not Found", "message": "Book not found"})
        if url.path == "/1.0/catalog/products":
            title = parse_qs(url.query).get("title", [""])[0].lower()
            books = [{"asin": "B0FIXTURE1", "title": "The Fixture Book", "authors": [{"asin": "A1", "name": "An Author"}],
                      "narrators": [{"name": "A Narrator"}], "release_date": "2021-05-04", "runtime_length_min": 0,
                      "series": [{"asin": "S1", "title": "Fixture Saga", "sequence": "2"}], "publisher_name": "Fixture Audio"},
                     {"asin": "B0OTHER001", "title": "The Fixture Book: A Study Guide", "authors": [{"name": "Someone Else"}],
                      "release_date": "2022-01-01", "runtime_length_min": 95}]
            return self.answer(200, {"products": [b for b in books if "fixture" in title], "total_results": 2})
        if url.path == "/2.0/":
            query = parse_qs(url.query)
            if query.get("api_key", [""])[0] != "fake-lastfm-key":
                return self.answer(200, {"error": 10, "message": "Invalid API key - You must be granted a valid key by last.fm"})
            if query.get("album", [""])[0].lower() != "fixture album":
                return self.answer(200, {"error": 6, "message": "Album not found"})
            return self.answer(200, {"album": {"name": "Fixture Album", "artist": "Fixture Artist", "url": "https://www.last.fm/music/Fixture+Artist/Fixture+Album",
                                               "tags": {"tag": [{"name": "electronic"}, {"name": "ambient"}, {"name": "Hip Hop &amp; <b>Rap</b>"}]},
                                               "tracks": {"track": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}}})
        if url.path == "/database/search":
            title = parse_qs(url.query).get("release_title", [""])[0].lower()
            results = [{"id": i, "type": "release", "title": "x - " + r["title"]} for i, r in DISCOGS.items() if r["title"].lower() == title]
            return self.answer(200, {"pagination": {"items": len(results)}, "results": results})
        if url.path.startswith("/releases/"):
            release = DISCOGS.get(int(url.path.rsplit("/", 1)[1] or 0))
            if not release:
                return self.answer(404, {"message": "Release not found."})
            return self.answer(200, json.loads(json.dumps(release).replace("{base}", f"http://127.0.0.1:{server.server_port}")))
        if url.path.startswith("/images/") or url.path.startswith("/discogs-images/") or url.path.lstrip("/") in server.uploaded:
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", "50000")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(b"\xff\xd8" + b"\0" * 49998)
            return
        if failing:
            return self.answer(503, {"error": "Your requests are exceeding the allowable rate limit."}, [("Retry-After", "1")])
        if url.path.startswith("/ws/2/release/") and url.path != "/ws/2/release/":
            found = [r for r in RELEASES if r["id"] == url.path.rsplit("/", 1)[1]]
            if not found:
                return self.answer(404, {"error": "Not Found"})
            release = dict(found[0])
            release["media"] = [dict(release["media"][0], tracks=[{"position": n + 1, "title": t, "length": 3000}
                                                            for n, t in enumerate(["Opening Tone", "Caf&eacute; Interlude", "Closing Tone"])])]
            return self.answer(200, release)
        if url.path == "/ws/2/release/":
            if server.bad_json:
                return self.answer(200, b'{"releases": [{"id": "1111')
            query = parse_qs(url.query).get("query", [""])[0].lower()
            barcode = re.search(r"barcode:(\d+)", query)
            catno = re.search(r"catno:\(([^)]*)\)", query)
            if barcode:
                found = [r for r in RELEASES if r.get("barcode") == barcode.group(1)]
            elif catno:
                found = [r for r in RELEASES if any(i.get("catalog-number", "").lower() == catno.group(1).replace("\\", "") for i in r.get("label-info", []))]
            else:
                found = [r for r in RELEASES if "fixture" in query or "another" in query]
            return self.answer(200, {"created": "2026-11-29T00:00:00Z", "count": len(found), "offset": 0, "releases": found})
        if url.path in COVERS:
            name = COVERS[url.path]
            base = f"http://127.0.0.1:{server.server_port}/images/{name}"
            return self.answer(200, {"release": "x", "images": [
                {"front": False, "types": ["Back"], "image": base + "-back.jpg", "thumbnails": {}},
                {"front": True, "types": ["Front"], "approved": True, "image": base + ".jpg",
                 "thumbnails": {"250": base + "-250.jpg", "500": base + "-500.jpg", "1200": base + "-1200.jpg"}}]})
        return self.answer(404, {"error": "Not Found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server = self.server
        with server.lock:
            server.requests.append({"path": self.path, "userAgent": self.headers.get("User-Agent", ""), "accept": self.headers.get("Accept", ""),
                                    "referer": self.headers.get("Referer", ""), "bytes": len(body)})
        if self.path != "/upload.php":
            return self.answer(404, {"error": "Not Found"})
        key = re.search(rb'name="api_key"\r\n\r\n([^\r]*)\r\n', body)
        image = re.search(rb'name="file-upload\[0\]"; filename="[^"]*"\r\nContent-Type: image/(jpeg|png)\r\n\r\n', body)
        if not key or key.group(1) != b"fake-ptpimg-key":
            return self.answer(401, {"error": "bad key"})
        if not image:
            return self.answer(200, [])
        ext = "jpg" if image.group(1) == b"jpeg" else "png"
        code = "ptp" + hashlib.sha1(body[image.end():]).hexdigest()[:8]
        with server.lock:
            server.uploaded.add(code + "." + ext)
        return self.answer(200, [{"code": code, "ext": ext}])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--bad-json", action="store_true")
    parser.add_argument("--discogs-429", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.requests, server.lock, server.fail, server.bad_json = [], threading.Lock(), args.fail, args.bad_json
    server.discogs_429 = args.discogs_429
    server.uploaded = set()
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
