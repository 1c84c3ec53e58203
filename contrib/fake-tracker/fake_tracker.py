#!/usr/bin/env python3
"""A fake private music tracker on loopback, for mkt's integration tests and
for trying `mkt push` without touching a real site (standard library only).

It imitates one site's upload protocol, including its errors, rate limit and
source-flag rewriting, keeps everything in memory, and lets a test read what
it received and switch faults on over HTTP.

Usage:
  python3 fake_tracker.py --site red|ops|dic|unit3d [--host 127.0.0.1] [--port 0]
      [--api-key KEY] [--passkey PASSKEY] [--cookie COOKIE] [--source SOURCE]
      [--rate N/SECONDS] [--quiet]

  --site     red, ops: Gazelle's JSON API (ajax.php) with an API key;
             dic: Gazelle with a session cookie and the upload.php web form;
             unit3d: UNIT3D's /api/torrents/upload with a Bearer token
  --host     address to bind, and to write into announce and download URLs
  --port     port to bind; 0 (the default) takes a free one
  --api-key  the key red, ops and unit3d accept (fake-api-key)
  --passkey  the passkey in announce URLs (fakepasskey0123456789abcdef0000)
  --cookie   the `session` cookie value dic accepts (fakesession)
  --source   the source flag the site forces into `info`
             (RED, OPS, DICMusic, UNIT3D)
  --rate     N requests per SECONDS (fractions allowed) before rate limiting;
             red 10/10, ops and dic 5/10, unit3d 30/60
  --quiet    no line per request on standard error

The first line on standard output is the port; then it serves until killed.

Site endpoints:
  red, ops  GET ajax.php?action=index|browse|torrent|download, POST action=upload
  dic       the same ajax.php reads, POST upload.php (multipart web form)
  unit3d    POST /api/torrents/upload, GET /api/torrents/filter,
            GET /torrent/download/ID.RSSKEY

Control endpoints (JSON; never rate limited, delayed or recorded):
  GET  /_fake/state   {site, faults, uploads, requests, tokensSpent, groups, torrents}
  POST /_fake/faults  a JSON object merged into the faults (null removes one)
  POST /_fake/reset   forgets faults, uploads, requests, groups, torrents,
                      the rate-limit window, and restarts the ids
  POST /_fake/groups  {artist, name, year, releasetype, tags, torrents: [...]}
                      adds a group that is "already on the site"; a torrent
                      with "torrent": BASE64 of a .torrent file is that one,
                      as uploaded with another tool (its info kept as it is)

Faults (all off until set):
  slow               seconds to wait before answering a site request
  fail               {"status": 503, "count": N, "actions": ["upload", ...]}:
                     the next N matching requests get that status, commit nothing
  drop_after_commit  N: the next N successful uploads are committed, then the
                     connection is closed without an answer
  rate_limited       N: the next N requests are answered as rate limited
  retry_after        the Retry-After value sent for rate_limited ("1")
  validation         "message": every upload is refused with this message
  site_source        "XYZ": the source flag the site forces instead of its own
  bad_json           N: the next N successful uploads answer 200 with a cut-off
                     JSON body
  answer             {"count": N, "actions": [...], "status": 200, "body": "...",
                     "body_hex": "ff fe", "repeat": K, "content_type": "text/html",
                     "headers": [["Location", "login.php"]]}: the next N matching
                     requests get exactly this answer (the body K times), commit nothing
"""

import argparse
import base64
import collections
import email.parser
import email.policy
import email.utils
import hashlib
import html
import http.server
import json
import math
import os
import re
import socket
import socketserver
import sys
import threading
import time
import traceback
import urllib.parse

MAX_BODY = 64 * 1024 * 1024
TEXT_LIMIT = 65536  # files up to this size are kept as text in the upload records

USERNAME = "fakeuser"
USER_ID = 7
AUTHKEY = "fakeauthkey00000000000000000000"
RSSKEY = "fakersskey00000000000000000000000"

DEFAULTS = {
    # site: (source flag, rate limit as (requests, seconds))
    "red": ("RED", (10, 10.0)),
    "ops": ("OPS", (5, 10.0)),
    "dic": ("DICMusic", (5, 10.0)),
    "unit3d": ("UNIT3D", (30, 60.0)),
}

# Gazelle's form tables; DIC runs OPS's flavour of Gazelle, but numbers its
# release types as RED does (smoked-salmon's DIC client keeps RED's table).
RELEASE_TYPES = {
    "red": {1, 3, 5, 6, 7, 9, 11, 13, 14, 15, 16, 17, 18, 19, 21},
    "ops": {1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21},
}
RELEASE_TYPES["dic"] = RELEASE_TYPES["red"]
FORMATS = {
    "red": ["MP3", "FLAC", "AAC", "AC3", "DTS"],
    "ops": ["MP3", "FLAC", "Ogg Vorbis", "AAC", "AC3", "DTS"],
}
BITRATES = {
    "red": ["192", "APS (VBR)", "V2 (VBR)", "V1 (VBR)", "256", "APX (VBR)", "V0 (VBR)", "320",
            "Lossless", "24bit Lossless", "Other"],
    "ops": ["Lossless", "24bit Lossless", "V0 (VBR)", "V1 (VBR)", "V2 (VBR)", "320", "256", "192", "160",
            "128", "96", "64", "APS (VBR)", "APX (VBR)", "q8.x (VBR)", "Other"],
}
MEDIA = {
    "red": ["CD", "DVD", "Vinyl", "Soundboard", "SACD", "DAT", "Cassette", "WEB", "Blu-Ray"],
    "ops": ["CD", "WEB", "Vinyl", "DVD", "BD", "Soundboard", "SACD", "DAT", "Cassette"],
}
MUSIC, AUDIOBOOKS, COMEDY = 0, 3, 5  # Gazelle's 0-based `type` values that matter here

FAIL_PAGE = "<html><body><h1>{status} {reason}</h1></body></html>"


# ---------------------------------------------------------------- bencode

class BencodeError(ValueError):
    """The bytes are not strict bencode."""


MAX_DEPTH = 100  # refuse deeper nesting instead of exhausting Python's stack

_INTEGER = re.compile(rb"i(0|-?[1-9][0-9]*)e")
_LENGTH = re.compile(rb"(0|[1-9][0-9]*):")


def bdecode(data):
    """Decodes one value filling all of `data`. Strict, as a torrent must be:
    canonical integers and lengths, sorted and unique dictionary keys; so
    re-encoding gives back the same bytes and the same infohash."""
    value, end = _decode(data, 0, 0)
    if end != len(data):
        raise BencodeError(f"trailing data at byte {end}")
    return value


def _number(digits):
    try:
        return int(digits)
    except ValueError:  # more digits than Python converts
        raise BencodeError("number too long") from None


def _decode(data, at, depth):
    if depth > MAX_DEPTH:
        raise BencodeError("nested too deeply")
    lead = data[at:at + 1]
    if lead == b"i":
        match = _INTEGER.match(data, at)
        if not match:
            raise BencodeError(f"bad integer at byte {at}")
        return _number(match.group(1)), match.end()
    if lead == b"l":
        items, at = [], at + 1
        while data[at:at + 1] != b"e":
            item, at = _decode(data, at, depth + 1)
            items.append(item)
        return items, at + 1
    if lead == b"d":
        entries, at, previous = {}, at + 1, None
        while data[at:at + 1] != b"e":
            key, at = _decode_string(data, at)
            if previous is not None and key <= previous:
                raise BencodeError(f"dictionary key {key!r} out of order or repeated")
            entries[key], at = _decode(data, at, depth + 1)
            previous = key
        return entries, at + 1
    return _decode_string(data, at)


def _decode_string(data, at):
    match = _LENGTH.match(data, at)
    if not match:
        raise BencodeError(f"expected a value at byte {at}")
    end = match.end() + _number(match.group(1))
    if end > len(data):
        raise BencodeError("string runs past the end")
    return data[match.end():end], end


def bencode(value):
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _encode(value, out):
    if isinstance(value, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(value, int):
        out += b"i%de" % value
    elif isinstance(value, str):
        _encode(value.encode(), out)
    elif isinstance(value, bytes):
        out += b"%d:" % len(value) + value
    elif isinstance(value, list):
        out += b"l"
        for item in value:
            _encode(item, out)
        out += b"e"
    elif isinstance(value, dict):
        out += b"d"
        for key in sorted(value):  # raw byte order, as the format requires
            _encode(key, out)
            _encode(value[key], out)
        out += b"e"
    else:
        raise TypeError(f"cannot bencode {type(value).__name__}")


def infohash(info):
    return hashlib.sha1(bencode(info)).hexdigest()


def text_of(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def content_size(info):
    """Total bytes and number of files of a torrent's `info`."""
    files = info.get(b"files")
    if isinstance(files, list):
        lengths = [f.get(b"length") for f in files if isinstance(f, dict)]
        return sum(n for n in lengths if isinstance(n, int)), len(files)
    length = info.get(b"length")
    return (length if isinstance(length, int) else 0), 1


# ---------------------------------------------------------------- HTTP plumbing

class BadRequest(Exception):
    """Input the server cannot make sense of: answered 400 with the message."""


class BodyTooLarge(Exception):
    pass


class Answer:
    """A complete answer, built before anything is sent (so it can be
    recorded first and delayed by the `slow` fault)."""

    def __init__(self, status, body=b"", content_type=None, headers=(), drop=False, close=False):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers, self.drop, self.close = list(headers), drop, close


def json_answer(status, payload, headers=()):
    return Answer(status, json.dumps(payload).encode(), "application/json", headers)


def html_answer(status, page):
    return Answer(status, page.encode(), "text/html; charset=utf-8")


def redirect(location):
    return Answer(302, headers=[("Location", location)])


def reason(status):
    return http.server.BaseHTTPRequestHandler.responses.get(status, ("Error",))[0]


def clean(text):
    """Header text as str: the email parser leaves raw UTF-8 as surrogates."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def parse_multipart(content_type, body):
    """The text fields ({name: [values]}) and file parts of a
    multipart/form-data body; nothing for any other kind of body."""
    if not content_type.lower().startswith("multipart/form-data"):
        return {}, []
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise BadRequest("multipart/form-data without a usable boundary")
    fields, files = {}, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        name = clean(email.utils.collapse_rfc2231_value(name))
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            fields.setdefault(name, []).append(payload.decode("utf-8", "replace"))
        else:
            files.append({"name": name, "filename": clean(filename),
                          "contentType": part.get_content_type(), "data": payload})
    return fields, files


def as_int(text):
    """An integer form value (ASCII digits only, like PHP's checks), or None."""
    if text is None or not re.fullmatch(r"\s*-?[0-9]{1,18}\s*", text):
        return None
    return int(text)


class Request:
    def __init__(self, method, path, query, headers, body, arrival):
        self.method, self.path, self.query = method, path, query
        self.headers, self.body, self.arrival = headers, body, arrival
        self._form = None

    def header(self, name):
        return self.headers.get(name)

    def form(self):
        if self._form is None:
            self._form = parse_multipart(self.headers.get("Content-Type", ""), self.body)
        return self._form

    def values(self, name):
        return self.form()[0].get(name, [])

    def field(self, name):
        values = self.values(name)
        return values[0] if values else None

    def file(self, name):
        return next((f for f in self.form()[1] if f["name"] == name), None)


# ---------------------------------------------------------------- state

class Tracker:
    """The site's state and configuration. One lock guards everything, and a
    whole upload (checks, duplicate test, store) runs under it, so concurrent
    uploads of the same torrent cannot both get in."""

    def __init__(self, site, host, api_key, passkey, cookie, source, rate, quiet):
        self.site, self.host, self.api_key, self.passkey = site, host, api_key, passkey
        self.cookie, self.source, self.quiet = cookie, source, quiet
        self.limit, self.per = rate
        self.port = None  # known once the socket is bound
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.faults = {}
            self.uploads, self.requests = [], []
            self.tokens_spent = 0
            self.groups, self.torrents, self.by_hash = {}, {}, {}
            self.next_group, self.next_torrent = 100, 1000
            self.window = collections.deque()  # arrival times of recent requests

    @property
    def flavour(self):
        """Which Gazelle tables apply: RED's, or OPS's (which DIC shares)."""
        return "red" if self.site == "red" else "ops"

    @property
    def base(self):
        return f"http://{self.host}:{self.port}"

    def announce(self):
        if self.site == "unit3d":
            return f"{self.base}/announce/{self.passkey}"
        return f"{self.base}/{self.passkey}/announce"

    def download_link(self, torrent_id):
        return f"{self.base}/torrent/download/{torrent_id}.{RSSKEY}"

    def forced_source(self):
        with self.lock:
            return self.faults.get("site_source") or self.source

    # -- rate limit and faults

    def admit(self, now):
        """Counts one request (refused ones too). None if it may be served,
        else the Retry-After value to send."""
        with self.lock:
            window = self.window
            while window and window[0] <= now - self.per:
                window.popleft()
            window.append(now)
            if self.take("rate_limited"):
                return str(self.faults.get("retry_after", "1"))
            if len(window) <= self.limit:
                return None
            # Refused requests stay in the window, so the next request gets in
            # once all but limit-1 of the arrivals counted so far have aged out.
            release = window[len(window) - self.limit] + self.per
            return str(max(1, math.ceil(release - now)))

    def take(self, name):
        """Uses up one count of a counting fault; True if it applied."""
        with self.lock:
            left = self.faults.get(name, 0)
            if left > 0:
                self.faults[name] = left - 1
            return left > 0

    def take_fail(self, action):
        """The status the `fail` fault answers this request with, or None."""
        with self.lock:
            fail = self.faults.get("fail")
            if not fail or fail.get("count", 1) <= 0:
                return None
            if "actions" in fail and action not in fail["actions"]:
                return None
            fail["count"] = fail.get("count", 1) - 1
            return fail.get("status", 503)

    def take_answer(self, action):
        """The answer the `answer` fault gives this request, or None."""
        with self.lock:
            given = self.faults.get("answer")
            if not given or given.get("count", 1) <= 0:
                return None
            if "actions" in given and action not in given["actions"]:
                return None
            given["count"] = given.get("count", 1) - 1
        body = bytes.fromhex(given["body_hex"]) if "body_hex" in given else given.get("body", "").encode()
        return Answer(given.get("status", 200), body * given.get("repeat", 1), given.get("content_type", "text/html"),
                      [tuple(h) for h in given.get("headers", [])])

    def set_faults(self, changes):
        if not isinstance(changes, dict):
            raise BadRequest("faults: expected a JSON object")
        for name, value in changes.items():
            if name not in FAULT_CHECKS:
                raise BadRequest(f"unknown fault {name!r}; known: {', '.join(sorted(FAULT_CHECKS))}")
            if value is not None and not FAULT_CHECKS[name](value):
                raise BadRequest(f"fault {name!r}: bad value {value!r}")
        with self.lock:
            for name, value in changes.items():
                if value is None:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = dict(value) if isinstance(value, dict) else value

    # -- store (callers hold the lock)

    def new_group(self, artist, name, year, releasetype, tags):
        group = {"id": self.next_group, "artist": artist, "name": name, "year": year,
                 "releasetype": releasetype, "tags": tags}
        self.groups[group["id"]] = group
        self.next_group += 1
        return group

    def find_group(self, artist, name, year):
        return next((g for g in self.groups.values()
                     if g["artist"].lower() == artist.lower() and g["name"].lower() == name.lower()
                     and g["year"] == year), None)

    def new_torrent(self, group_id, info, site_copy, name=None, **fields):
        size, count = content_size(info)
        torrent = {"id": self.next_torrent, "groupId": group_id, "infohash": infohash(info),
                   "name": name if name is not None else text_of(info.get(b"name")),
                   "media": "", "format": "", "encoding": "", "remasterYear": 0, "remasterTitle": "",
                   "remasterRecordLabel": "", "remasterCatalogueNumber": "", "size": size, "fileCount": count,
                   "categoryId": None, "typeId": None}
        torrent.update(fields)
        torrent["bytes"] = site_copy
        self.torrents[torrent["id"]] = torrent
        self.by_hash[torrent["infohash"]] = torrent
        self.next_torrent += 1
        return torrent

    def site_copy(self, top, info):
        """The torrent as the site hands it out: its own `info`, its announce."""
        copy = dict(top)
        copy.pop(b"announce-list", None)  # the uploader's trackers are not the site's
        copy[b"info"] = info
        copy[b"announce"] = self.announce().encode()
        return bencode(copy)

    def torrent_by_id(self, text):
        with self.lock:
            return self.torrents.get(as_int(text))

    def snapshot(self):
        with self.lock:
            return json.dumps({
                "site": self.site,
                "faults": self.faults,
                "uploads": self.uploads,
                "requests": self.requests,
                "tokensSpent": self.tokens_spent,
                "groups": [self.groups[k] for k in sorted(self.groups)],
                "torrents": [{k: v for k, v in self.torrents[k].items() if k != "bytes"}
                             for k in sorted(self.torrents)],
            }).encode()


def _count(value):
    return type(value) is int and value >= 0


def _fail_fault(value):
    return (isinstance(value, dict) and set(value) <= {"status", "count", "actions"}
            and type(value.get("status", 503)) is int and 400 <= value.get("status", 503) <= 599
            and _count(value.get("count", 1))
            and isinstance(value.get("actions", []), list)
            and all(isinstance(a, str) for a in value.get("actions", [])))


def _answer_fault(value):
    return (isinstance(value, dict)
            and set(value) <= {"count", "actions", "status", "body", "body_hex", "repeat", "content_type", "headers"}
            and _count(value.get("count", 1)) and type(value.get("status", 200)) is int and 100 <= value.get("status", 200) <= 599
            and isinstance(value.get("body", ""), str) and _count(value.get("repeat", 1)) and value.get("repeat", 1) <= 200_000_000
            and isinstance(value.get("actions", []), list)
            and all(isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) and "\n" not in x for x in h) for h in value.get("headers", [])))


FAULT_CHECKS = {
    "answer": _answer_fault,
    "slow": lambda v: type(v) in (int, float) and 0 <= v <= 3600,
    "fail": _fail_fault,
    "drop_after_commit": _count,
    "rate_limited": _count,
    "retry_after": lambda v: isinstance(v, str) and "\n" not in v and "\r" not in v,
    "validation": lambda v: isinstance(v, str),
    "site_source": lambda v: isinstance(v, str) and v != "",
    "bad_json": _count,
}


class Upload:
    """One upload request going through a site's checks; `record` files it
    in the state once its outcome is known."""

    def __init__(self, t, req, file_field):
        self.t, self.req = t, req
        self.file = req.file(file_field)
        self.top = self.info = None
        self.sent_infohash = self.site_infohash = None
        if self.file:
            try:
                top = bdecode(self.file["data"])
            except BencodeError:
                top = None
            if isinstance(top, dict) and isinstance(top.get(b"info"), dict):
                self.top, self.info = top, top[b"info"]
                self.sent_infohash = infohash(self.info)
        # OPS assumes scripts send HTML-escaped text and unescapes it unless told not to.
        self.unescape = t.site in ("ops", "dic") and req.field("workaround_broken_html_entities") != "0"

    def value(self, name):
        """A text field as the site reads it (trimmed, maybe unescaped); '' when absent."""
        values = self.values(name)
        return values[0] if values else ""

    def values(self, name):
        return [html.unescape(v).strip() if self.unescape else v.strip() for v in self.req.values(name)]

    def record(self, outcome, torrent_id=None, group_id=None):
        req = self.req
        fields, files = req.form()
        announce = self.top.get(b"announce") if self.top else None
        entry = {
            "time": req.arrival, "wall": time.time(), "site": self.t.site,
            "fields": fields,
            "files": [{"name": f["name"], "filename": f["filename"], "contentType": f["contentType"],
                       "size": len(f["data"]), "sha256": hashlib.sha256(f["data"]).hexdigest(),
                       "text": f["data"].decode("utf-8", "replace") if len(f["data"]) <= TEXT_LIMIT else None}
                      for f in files],
            "authorization": req.header("Authorization"),
            "cookie": req.header("Cookie"),
            "query": req.query,
            "announce": text_of(announce) if isinstance(announce, bytes) else None,
            "infohash": self.sent_infohash,
            "siteInfohash": self.site_infohash,
            "outcome": outcome, "torrentId": torrent_id, "groupId": group_id,
        }
        with self.t.lock:
            self.t.uploads.append(entry)


# ---------------------------------------------------------------- answers every site gives

def rate_limited_answer(t, retry_after):
    if t.site == "red":
        return json_answer(429, {"status": "failure", "error": "Rate limit exceeded"}, [("Retry-After", retry_after)])
    if t.site == "unit3d":
        return json_answer(429, {"message": "Too Many Attempts."}, [("Retry-After", retry_after)])
    return gazelle_failure(t, "Rate limit exceeded")  # OPS (and DIC) say it with HTTP 200


def fail_answer(status):
    return html_answer(status, FAIL_PAGE.format(status=status, reason=reason(status)))


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
    retry_after = t.admit(req.arrival)
    if retry_after is not None:
        return rate_limited_answer(t, retry_after), True
    name = request_name(t, req)
    given = t.take_answer(name)
    if given is not None:
        return given, False
    status = t.take_fail(name)
    if status is not None:
        if name == "upload" and req.method == "POST":
            Upload(t, req, "torrent" if t.site == "unit3d" else "file_input").record("failed")
        return fail_answer(status), False
    return (serve_unit3d if t.site == "unit3d" else serve_gazelle)(t, req), False


# ---------------------------------------------------------------- Gazelle: RED, OPS, DIC

def gazelle_json(t, status, payload):
    if t.site == "ops":
        payload = dict(payload, info={"source": "Orpheus", "version": 1})
    return json_answer(status, payload)


def gazelle_success(t, response):
    return gazelle_json(t, 200, {"status": "success", "response": response})


def gazelle_failure(t, error):
    """RED answers failures with HTTP 400; OPS and DIC with HTTP 200."""
    if t.site == "red":
        return json_answer(400, {"status": "failure", "error": error})
    return gazelle_json(t, 200, {"status": "failure", "error": error, "response": []})


def gazelle_auth(t, req):
    """None when the request carries the site's credential, else the refusal."""
    if t.site == "dic":
        cookie = (req.header("Cookie") or "").strip()
        pairs = [p.strip().partition("=") for p in cookie.split(";")]
        if cookie == t.cookie or any(k.strip() == "session" and v == t.cookie for k, _, v in pairs):
            return None
        return redirect("login.php")
    header = req.header("Authorization") or ""
    if t.site == "red":
        return None if header == t.api_key else json_answer(401, {"status": "failure", "error": "bad credentials"})
    # OPS: `token KEY`, or the bare key as RED takes it.
    if header.startswith("token "):
        key = header[len("token "):]
    elif " " in header:
        return gazelle_failure(t, 'invalid authorization type, must be "token"')
    else:
        key = header
    return None if key == t.api_key else gazelle_failure(t, "invalid token")


def serve_gazelle(t, req):
    known = req.path == "/ajax.php" or (t.site == "dic" and req.path == "/upload.php")
    if not known and t.site != "dic":
        return html_answer(404, FAIL_PAGE.format(status=404, reason="Not Found"))
    refusal = gazelle_auth(t, req)  # DIC sends every page without a session to the login
    if refusal:
        return refusal
    if not known:
        return html_answer(404, FAIL_PAGE.format(status=404, reason="Not Found"))
    if req.path == "/upload.php":
        return dic_upload(t, req) if req.method == "POST" else html_answer(200, dic_page(None))
    actions = {"index": ajax_index, "browse": ajax_browse, "torrent": ajax_torrent, "download": ajax_download}
    if t.site != "dic":  # DIC takes uploads through its web form only
        actions["upload"] = ajax_upload
    handler = actions.get(req.query.get("action", ""))
    return handler(t, req) if handler else gazelle_failure(t, "endpoint not found")


def ajax_index(t, req):
    response = {"username": USERNAME, "id": USER_ID, "authkey": AUTHKEY, "passkey": t.passkey}
    if t.site == "red":
        response["api_version"] = "redacted-v2.0"
    return gazelle_success(t, response)


def ajax_browse(t, req):
    artist = req.query.get("artistname", "").lower()
    name = req.query.get("groupname", "").lower()
    terms = req.query.get("searchstr", "").lower().split()
    results = []
    with t.lock:
        for group in (t.groups[k] for k in sorted(t.groups)):
            words = f"{group['artist']} {group['name']} {group['year']}".lower()
            if artist not in group["artist"].lower() or name not in group["name"].lower():
                continue
            if not all(term in words for term in terms):
                continue
            torrents = [{"torrentId": x["id"], "media": x["media"], "format": x["format"],
                         "encoding": x["encoding"], "remasterYear": x["remasterYear"],
                         "remasterTitle": x["remasterTitle"], "remasterRecordLabel": x["remasterRecordLabel"],
                         "remasterCatalogueNumber": x["remasterCatalogueNumber"]}
                        for x in (t.torrents[k] for k in sorted(t.torrents)) if x["groupId"] == group["id"]]
            results.append({"groupId": group["id"], "groupName": group["name"], "artist": group["artist"],
                            "groupYear": group["year"], "releaseType": group["releasetype"],
                            "tags": group["tags"], "torrents": torrents})
    return gazelle_success(t, {"currentPage": 1, "pages": 1, "results": results})


def ajax_torrent(t, req):
    if "hash" in req.query:
        wanted = req.query["hash"]
        with t.lock:  # Gazelle looks infohashes up in upper case only
            torrent = t.by_hash.get(wanted.lower()) if re.fullmatch(r"[0-9A-F]{40}", wanted) else None
        if torrent is None:
            return gazelle_failure(t, "bad hash parameter")
    else:
        torrent = t.torrent_by_id(req.query.get("id"))
        if torrent is None:
            return gazelle_failure(t, "bad id parameter")
    with t.lock:
        group = t.groups.get(torrent["groupId"]) or {"id": None, "name": "", "year": 0, "releasetype": None}
    return gazelle_success(t, {
        "group": {"id": group["id"], "name": group["name"], "year": group["year"], "releaseType": group["releasetype"]},
        "torrent": {"id": torrent["id"], "infoHash": torrent["infohash"].upper(), "media": torrent["media"],
                    "format": torrent["format"], "encoding": torrent["encoding"], "filePath": torrent["name"],
                    "remasterYear": torrent["remasterYear"], "remasterTitle": torrent["remasterTitle"],
                    "remasterRecordLabel": torrent["remasterRecordLabel"],
                    "remasterCatalogueNumber": torrent["remasterCatalogueNumber"]},
    })


def ajax_download(t, req):
    torrent = t.torrent_by_id(req.query.get("id"))
    if torrent is None:
        return gazelle_failure(t, "bad id parameter")
    # OPS spends a freeleech token whenever usetoken is present, whatever its value
    # (OPSnet/Gazelle: Download is told isset($_REQUEST['usetoken'])); RED reads 0 as none.
    if "usetoken" in req.query and (t.site == "ops" or req.query.get("usetoken") not in ("0", "")):
        with t.lock:
            t.tokens_spent += 1
    return Answer(200, torrent["bytes"], "application/x-bittorrent",
                  [("Content-Disposition", f'attachment; filename="{torrent["id"]}.torrent"')])


def gazelle_checks(t, up):
    """The upload handler's checks in Gazelle's order: the first failure's
    message, or None. Runs under the lock (it reads the groups)."""
    flavour = t.flavour
    if not up.file or not up.file["filename"].lower().endswith(".torrent") or not up.file["data"]:
        return "No torrent file uploaded, or file is empty."
    if up.info is None:
        return "The torrent file you uploaded is corrupted."
    if b"meta version" in up.info:
        return "This torrent is not a V1 torrent. V2 and Hybrid torrents are not supported."
    category = as_int(up.req.field("type"))
    if category is None or not 0 <= category <= 6:
        return "Please select a valid category."
    if up.value("groupid"):
        if as_int(up.value("groupid")) not in t.groups:
            return "Please select a valid group."
    else:
        if category == MUSIC:
            artists, importance = up.values("artists[]"), up.values("importance[]")
            if len(artists) != len(importance):
                return "There is an error with how artists are specified."
            if not any(role == "1" and artist for artist, role in zip(artists, importance)):
                return "Please enter at least one main artist"
        # Gazelle's Validator counts bytes (strlen), not characters (OPS app/Util/Validator.php).
        if not 1 <= len(up.value("title").encode()) <= 200:
            return "Title must be less than 200 characters."
        if category in (MUSIC, AUDIOBOOKS) and as_int(up.value("year")) is None:
            return "Year must be a number."
        if category == MUSIC and as_int(up.value("releasetype")) not in RELEASE_TYPES[t.site]:
            return "Please select a valid release type."
        if not 2 <= len(up.value("tags").encode()) <= 200:
            return "You must enter at least one tag. Maximum length is 200 characters."
        if len(up.value("album_desc")) < 10:
            return "The album description has a minimum length of 10 characters."
    if category in (MUSIC, AUDIOBOOKS, COMEDY):
        if up.value("format") not in FORMATS[flavour]:
            return "Please select a valid format."
        if up.value("bitrate") not in BITRATES[flavour]:
            return "Please select a valid bitrate."
        if up.value("format") == "FLAC" and up.value("bitrate") not in ("Lossless", "24bit Lossless"):
            return "FLAC bitrate must be lossless."
        # OPS sections/upload/upload_handle.php: Other needs other_bitrate, at most 9 bytes.
        if up.value("bitrate") == "Other" and up.value("format") != "FLAC" \
                and not 1 <= len(up.value("other_bitrate").encode()) <= 9:
            return "You must enter the other bitrate (max length: 9 characters)."
    if category == MUSIC and up.value("media") not in MEDIA[flavour]:
        return "Please select a valid media."
    if category == MUSIC:
        # Given, each is 1 to 80 bytes (OPS upload_handle.php).
        for field, what in (("remaster_title", "Remaster title"), ("remaster_record_label", "Remaster record label"),
                            ("remaster_catalogue_number", "Remaster catalogue number")):
            if len(up.value(field).encode()) > 80:
                return f"{what} must be between 1 and 80 characters."
    return t.faults.get("validation")


def gazelle_upload(t, up):
    """Checks, rewrites and stores one Gazelle upload; records it and returns
    the result for the family's answer: a dict with `outcome` and, depending
    on it, `error`, `group`, `torrent`, `newgroup`, `private`, `source`,
    `warnings`, `dryrun`, `delivery` (None, "drop" or "bad_json")."""
    with t.lock:
        error = gazelle_checks(t, up)
        if error:
            up.record("rejected")
            return {"outcome": "rejected", "error": error}
        source = t.forced_source().encode()
        info = dict(up.info)
        private_ok, source_ok = info.get(b"private") == 1, info.get(b"source") == source
        info[b"private"], info[b"source"] = 1, source
        up.site_infohash = infohash(info)
        existing = t.by_hash.get(up.site_infohash)
        if existing:
            link = f'torrents.php?id={existing["groupId"]}&amp;torrentid={existing["id"]}'
            up.record("duplicate", existing["id"], existing["groupId"])
            return {"outcome": "duplicate",
                    "error": f'The exact same torrent file already exists on the site! <a href="{link}">link</a>'}
        given = as_int(up.value("groupid"))
        if t.site == "red" and up.value("dryrun").lower() not in ("", "0", "false", "off", "no"):
            title = up.value("title") or (t.groups[given]["name"] if given is not None else "")
            up.record("dry-run", None, given)
            return {"outcome": "dry-run", "dryrun": {"groupid": given, "title": title, "infohash": up.site_infohash}}

        category = as_int(up.req.field("type"))
        group, newgroup = t.groups.get(given), False
        if group is None:
            artists, importance = up.values("artists[]"), up.values("importance[]")
            main = next((a for a, role in zip(artists, importance) if role == "1" and a), "")
            year = as_int(up.value("year")) or 0
            group = t.find_group(main, up.value("title"), year)
            if group is None:
                tags = [tag.strip() for tag in up.value("tags").split(",") if tag.strip()]
                releasetype = as_int(up.value("releasetype")) if category == MUSIC else None
                group, newgroup = t.new_group(main, up.value("title"), year, releasetype, tags), True
        warnings = []
        if not private_ok:
            warnings.append("The torrent was public: the site marked it private.")
        if not source_ok:
            warnings.append(f"The torrent was unsourced: the site set its source flag to {source.decode()}.")
        if not (private_ok and source_ok):
            warnings.append("Its infohash changed: you must redownload the torrent from the site to seed it.")
        if t.site == "red" or "remaster" in up.req.form()[0]:
            edition = {"remasterYear": as_int(up.value("remaster_year")) or 0,
                       "remasterTitle": up.value("remaster_title"),
                       "remasterRecordLabel": up.value("remaster_record_label"),
                       "remasterCatalogueNumber": up.value("remaster_catalogue_number")}
        else:  # OPS drops edition fields sent without `remaster`
            edition = {}
            warnings.append("No edition information was given (remaster was not set): "
                            "the torrent is marked as an unknown release.")
        torrent = t.new_torrent(group["id"], info, t.site_copy(up.top, info),
                                media=up.value("media") if category == MUSIC else "",
                                format=up.value("format"), encoding=up.value("bitrate"), **edition)
        delivery = "drop" if t.take("drop_after_commit") else "bad_json" if t.take("bad_json") else None
        up.record("dropped" if delivery == "drop" else "success", torrent["id"], group["id"])
        return {"outcome": "success", "group": group, "torrent": torrent, "newgroup": newgroup,
                "private": private_ok, "source": source_ok, "warnings": warnings, "delivery": delivery}


def delivered(result):
    """The answer a `drop_after_commit` or `bad_json` fault puts in place of a success."""
    if result.get("delivery") == "drop":
        return Answer(0, drop=True)
    if result.get("delivery") == "bad_json":
        return Answer(200, b'{"status":"succ', "application/json")
    return None


def ajax_upload(t, req):
    result = gazelle_upload(t, Upload(t, req, "file_input"))
    if result["outcome"] in ("rejected", "duplicate"):
        return gazelle_failure(t, result["error"])
    if result["outcome"] == "dry-run":
        return json_answer(200, {"status": "dry run success", "data": result["dryrun"]})
    fault = delivered(result)
    if fault:
        return fault
    group, torrent = result["group"], result["torrent"]
    if t.site == "red":
        return gazelle_success(t, {"private": result["private"], "source": result["source"], "requestid": None,
                                   "torrentid": torrent["id"], "groupid": group["id"],
                                   "newgroup": result["newgroup"]})
    return gazelle_success(t, {"groupId": group["id"], "torrentId": torrent["id"], "private": result["private"],
                               "source": result["source"], "warnings": result["warnings"]})


def dic_page(message):
    """DIC's upload page; a refused upload comes back as this page with the
    error in red above the form (the message may hold HTML, as the site's does)."""
    error = f'<p style="color: red; text-align: center;">{message}</p>\n' if message else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>Upload :: DICMusic</title></head>
<body>
<div id="wrapper"><div id="content"><div class="thin">
<div class="header"><h2>Upload</h2></div>
{error}<form class="create_form" name="torrent" action="upload.php" enctype="multipart/form-data" method="post" id="upload_table">
<input type="hidden" name="submit" value="true" />
<input type="hidden" name="auth" value="{AUTHKEY}" />
<table class="layout">
<tr><td class="label">Torrent file:</td><td><input id="file" type="file" name="file_input" size="50" /></td></tr>
<tr><td class="label">Type:</td><td><select id="categories" name="type"><option value="0">Music</option><option value="3">Audiobooks</option></select></td></tr>
<tr><td class="label">Artist(s):</td><td><input type="text" name="artists[]" size="45" /><select name="importance[]"><option value="1">Main</option></select></td></tr>
<tr><td class="label">Album title:</td><td><input type="text" name="title" size="60" /></td></tr>
<tr><td class="label">Year:</td><td><input type="text" name="year" size="5" /></td></tr>
<tr><td class="label">Tags:</td><td><input type="text" name="tags" size="40" /></td></tr>
<tr><td class="label">Album description:</td><td><textarea name="album_desc" cols="60" rows="8"></textarea></td></tr>
<tr><td class="label">Self-purchased / self-ripped / exclusive:</td><td><input type="checkbox" name="buy" /> <input type="checkbox" name="diy" /> <input type="checkbox" name="jinzhuan" /></td></tr>
</table>
<input type="submit" value="Upload torrent" />
</form>
</div></div></div>
</body>
</html>
"""


def dic_upload(t, req):
    up = Upload(t, req, "file_input")
    if req.field("auth") != AUTHKEY:  # the form's CSRF key, checked before anything else
        up.record("rejected")
        return html_answer(403, "<html><body><p>Invalid authorization key</p></body></html>")
    result = gazelle_upload(t, up)
    if result["outcome"] in ("rejected", "duplicate"):
        return html_answer(200, dic_page(result["error"]))
    fault = delivered(result)
    if fault:
        return fault
    # Gazelle's form sends a new torrent to its group's page, not naming the
    # torrent (upload_handle.php's closing redirect, WhatCD and OPSnet alike).
    return redirect(f'torrents.php?id={result["group"]["id"]}')


# ---------------------------------------------------------------- UNIT3D

UNIT3D_TOP_KEYS = (b"comment", b"created by", b"encoding", b"info")
UNIT3D_INFO_KEYS = (b"files", b"length", b"name", b"piece length", b"pieces")
UNIT3D_IDS = range(1, 11)  # the category and type ids this fake site has


def unit3d_token(req):
    """The API token the way Laravel's token guard finds it: query
    `api_token`, then form `api_token`, then a Bearer header."""
    token = req.query.get("api_token") or (req.field("api_token") if req.method == "POST" else None)
    if token:
        return token
    header = req.header("Authorization") or ""
    return header[len("bearer "):] if header.lower().startswith("bearer ") else None


def serve_unit3d(t, req):
    match = re.fullmatch(r"/torrent/download/([0-9]+)\.([^/]*)", req.path)
    if match:  # the rsskey in the link is the credential here
        torrent = t.torrent_by_id(match.group(1))
        if torrent is None or match.group(2) != RSSKEY:
            return html_answer(404, FAIL_PAGE.format(status=404, reason="Not Found"))
        return Answer(200, torrent["bytes"], "application/x-bittorrent",
                      [("Content-Disposition", f'attachment; filename="{torrent["id"]}.torrent"')])
    routes = {"/api/torrents/upload": ("POST", unit3d_upload), "/api/torrents/filter": ("GET", unit3d_filter)}
    if req.path not in routes:
        return json_answer(404, {"message": "Not Found"})
    method, handler = routes[req.path]
    if req.method != method:
        return json_answer(405, {"message": f"The {req.method} method is not supported for route {req.path[1:]}. "
                                            f"Supported methods: {method}."})
    if unit3d_token(req) != t.api_key:
        return json_answer(401, {"message": "Unauthenticated."})
    return handler(t, req)


UNIT3D_BAD_NAME = re.compile(
    r'[\\/?<>:*|"\x00-\x1f]'            # separators, Windows' forbidden characters, controls
    r'|[. ]$'                           # ending in a dot or a space
    r'|^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$'  # Windows' reserved names
    r'|^\.?____padding', re.IGNORECASE)  # BitComet padding files


def unit3d_valid_filename(name):
    """TorrentTools::isValidFilename (UNIT3D app/Helpers/TorrentTools.php), on the raw bytes."""
    text = name.decode("utf-8", "replace")
    return len(name) <= 255 and not UNIT3D_BAD_NAME.search(text) and not name.startswith(b".pad")


def unit3d_file_check(up):
    """TorrentController::store's checks of the file, before any validation:
    a sentence as `data`, or None (UNIT3D app/Http/Controllers/API/TorrentController.php)."""
    if not up.file:
        return "You Must Provide A Torrent File For Upload!"
    if not up.file["filename"].endswith(".torrent") or up.info is None:
        return "You Must Provide A Valid Torrent File For Upload!"
    files = up.info.get(b"files")
    names = [up.info.get(b"name", b"")] if not isinstance(files, list) else \
        [part for entry in files if isinstance(entry, dict) for part in entry.get(b"path", []) if isinstance(part, bytes)]
    if not all(unit3d_valid_filename(name) for name in names):
        return "Invalid Filenames In Torrent Files!"
    return None


def unit3d_checks(t, up):
    """Laravel validates every rule and reports every failing field."""
    errors = {}

    def fail(field, message):
        errors.setdefault(field, []).append(message)

    def label(field):
        return field.replace("_", " ")

    name = up.value("name")
    if not name:
        fail("name", "The name field is required.")
    elif len(name) > 255:
        fail("name", "The name field must not be greater than 255 characters.")
    elif any(x["name"].lower() == name.lower() for x in t.torrents.values()):
        fail("name", "The name has already been taken.")
    if not up.value("description"):
        fail("description", "The description field is required.")
    for field in ("category_id", "type_id", "imdb", "tvdb", "tmdb", "mal", "igdb"):
        number = as_int(up.value(field))
        if not up.value(field):
            fail(field, f"The {label(field)} field is required.")
        elif number is None:
            fail(field, f"The {label(field)} field must be an integer.")
        elif field in ("category_id", "type_id") and number not in UNIT3D_IDS:
            fail(field, f"The selected {label(field)} is invalid.")
    if not up.value("anonymous"):
        fail("anonymous", "The anonymous field is required.")
    for field in ("anonymous", "stream", "sd"):
        if up.value(field) not in ("", "0", "1"):
            fail(field, f"The {field} field must be true or false.")
    if t.faults.get("validation"):
        fail("name", t.faults["validation"])
    return errors


def unit3d_upload(t, req):
    up = Upload(t, req, "torrent")
    sentence = unit3d_file_check(up)
    if sentence:
        with t.lock:
            up.record("rejected")
        return json_answer(404, {"success": False, "message": "Validation Error.", "data": sentence})
    with t.lock:
        errors = unit3d_checks(t, up)
        # What UNIT3D keeps of a torrent, then its own flags.
        top = {k: v for k, v in up.top.items() if k in UNIT3D_TOP_KEYS}
        info = {k: v for k, v in up.info.items() if k in UNIT3D_INFO_KEYS}
        info[b"source"], info[b"private"] = t.forced_source().encode(), 1
        up.site_infohash = infohash(info)
        if t.by_hash.get(up.site_infohash):
            # The API's Rule::unique('torrents') on info_hash, in Laravel's words.
            errors["info_hash"] = ["The info hash has already been taken."]
        if errors:
            # Taken infohash: the same torrent again (its name is then usually taken too).
            taken = t.by_hash.get(up.site_infohash) if "info_hash" in errors else None
            if taken:
                up.record("duplicate", taken["id"], taken["groupId"])
            else:
                up.record("rejected")
            return json_answer(404, {"success": False, "message": "Validation Error.", "data": errors})
        torrent = t.new_torrent(None, info, t.site_copy(top, info), name=up.value("name"),
                                categoryId=as_int(up.value("category_id")), typeId=as_int(up.value("type_id")))
        delivery = "drop" if t.take("drop_after_commit") else "bad_json" if t.take("bad_json") else None
        up.record("dropped" if delivery == "drop" else "success", torrent["id"], None)
    fault = delivered({"delivery": delivery})
    if fault:
        return fault
    return json_answer(200, {"success": True, "data": t.download_link(torrent["id"]),
                             "message": "Torrent uploaded successfully."})


def unit3d_filter(t, req):
    name = req.query.get("name", "").lower()
    wanted = req.query.get("info_hash", "").lower()
    data = []
    with t.lock:
        for torrent in (t.torrents[k] for k in sorted(t.torrents)):
            if name not in torrent["name"].lower() or (wanted and torrent["infohash"] != wanted):
                continue
            category, kind = torrent["categoryId"], torrent["typeId"]
            data.append({"type": "torrent", "id": str(torrent["id"]), "attributes": {
                "name": torrent["name"], "info_hash": torrent["infohash"], "size": torrent["size"],
                "num_file": torrent["fileCount"],
                "category": f"Category {category}" if category else "", "category_id": category,
                "type": f"Type {kind}" if kind else "", "type_id": kind,
                "download_link": t.download_link(torrent["id"])}})
    return json_answer(200, {"data": data})


# ---------------------------------------------------------------- control endpoints

def json_body(req):
    try:
        return json.loads(req.body or b"{}")
    except ValueError as error:
        raise BadRequest(f"body is not JSON: {error}") from None


def serve_control(t, req):
    route = (req.method, req.path)
    if route == ("GET", "/_fake/state"):
        return Answer(200, t.snapshot(), "application/json")
    if route == ("POST", "/_fake/faults"):
        t.set_faults(json_body(req))
        return json_answer(200, {"ok": True})
    if route == ("POST", "/_fake/reset"):
        t.reset()
        return json_answer(200, {"ok": True})
    if route == ("POST", "/_fake/groups"):
        return json_answer(200, add_existing_group(t, json_body(req)))
    return json_answer(404, {"ok": False, "error": f"no control endpoint {req.method} {req.path}"})


def add_existing_group(t, spec):
    """A group (with torrents) that is on the site before the test starts.
    Each torrent gets a small made-up torrent file, so its infohash is random
    yet real, and `download` hands it out like any other."""
    def string(obj, key, default=""):
        value = obj.get(key, default)
        if not isinstance(value, str):
            raise BadRequest(f"groups: {key} must be a string")
        return value

    def integer(obj, key, default):
        value = obj.get(key, default)
        if type(value) is not int:
            raise BadRequest(f"groups: {key} must be an integer")
        return value

    if not isinstance(spec, dict) or not isinstance(spec.get("torrents", []), list):
        raise BadRequest("groups: expected {artist, name, year, releasetype, tags, torrents: [...]}")
    tags = spec.get("tags", [])
    if isinstance(tags, str):
        tags = [tag.strip() for tag in tags.split(",") if tag.strip()]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise BadRequest("groups: tags must be a list of strings or one comma-separated string")
    artist, name = string(spec, "artist"), string(spec, "name")
    year, releasetype = integer(spec, "year", 0), integer(spec, "releasetype", 1)
    torrents = []
    for item in spec.get("torrents", []):
        if not isinstance(item, dict):
            raise BadRequest("groups: each torrent must be an object")
        fields = {key: string(item, key) for key in
                  ("media", "format", "encoding", "remasterTitle", "remasterRecordLabel", "remasterCatalogueNumber")}
        fields["remasterYear"] = integer(item, "remasterYear", 0)
        top = None
        if "torrent" in item:
            try:
                top = bdecode(base64.b64decode(string(item, "torrent"), validate=True))
            except (ValueError, BencodeError) as error:
                raise BadRequest(f"groups: torrent is not a base64 .torrent file: {error}") from None
            if not isinstance(top, dict) or not isinstance(top.get(b"info"), dict):
                raise BadRequest("groups: torrent has no info dictionary")
        torrents.append((string(item, "name", f"{artist} - {name} ({year}) [{fields['format']}]"), fields, top))
    with t.lock:
        group = t.new_group(artist, name, year, releasetype, tags)
        ids = []
        for torrent_name, fields, top in torrents:
            if top is None:
                top = {b"info": {b"length": 1, b"name": torrent_name.encode(), b"piece length": 16384,
                                 b"pieces": os.urandom(20), b"private": 1, b"source": t.forced_source().encode()}}
            info = top[b"info"]
            ids.append(t.new_torrent(group["id"], info, t.site_copy(top, info), **fields)["id"])
    return {"groupId": group["id"], "torrentIds": ids}


# ---------------------------------------------------------------- server

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


def parse_rate(text):
    match = re.fullmatch(r"\s*([0-9]+)\s*/\s*([0-9]*\.?[0-9]+)\s*s?\s*", text)
    if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: write N/SECONDS, e.g. 10/10 or 10/2.5")
    return int(match.group(1)), float(match.group(2))


def main():
    parser = argparse.ArgumentParser(description="A fake private music tracker for testing mkt.")
    parser.add_argument("--site", required=True, choices=sorted(DEFAULTS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="fake-api-key")
    parser.add_argument("--passkey", default="fakepasskey0123456789abcdef0000")
    parser.add_argument("--cookie", default="fakesession")
    parser.add_argument("--source", help="source flag the site forces (default: the site's own)")
    parser.add_argument("--rate", type=parse_rate, help="N/SECONDS (default: the site's own)")
    parser.add_argument("--quiet", action="store_true", help="no line per request on standard error")
    args = parser.parse_args()
    source, rate = DEFAULTS[args.site]
    tracker = Tracker(args.site, args.host, args.api_key, args.passkey, args.cookie,
                      args.source or source, args.rate or rate, args.quiet)
    server = Server((args.host, args.port), Handler)
    server.tracker = tracker
    tracker.port = server.server_address[1]
    print(tracker.port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
