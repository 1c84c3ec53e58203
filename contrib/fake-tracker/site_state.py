"""The site's state: groups, torrents, what it received, its rate-limit window."""

import collections
import hashlib
import html
import json
import math
import threading
import time

from bencoding import BencodeError, bdecode, bencode, content_size, infohash, text_of
from faults import Faults
from web import as_int


# OPSnet/Gazelle sections/ajax/index.php $LimitedPages: action -> (requests, seconds).
OPS_LIMITED_PAGES = {
    "add_log": (5, 10), "add_similar": (10, 20), "add_tag": (10, 20), "announcements": (2, 60), "artist": (15, 30),
    "better": (5, 10), "bookmarks": (5, 60), "browse": (5, 10), "collage": (5, 60), "delete_tag": (10, 30),
    "forum": (5, 10), "inbox": (15, 60), "news_ajax": (2, 60), "notifications": (2, 60), "post_edit": (2, 10),
    "raw_bbcode": (5, 10), "request": (4, 60), "request_fill": (5, 10), "requests": (5, 60), "riplog": (5, 10),
    "similar_artists": (10, 60), "subscriptions": (5, 10), "tcomments": (5, 10), "top10": (2, 60),
    "torrentgroup": (15, 60), "user": (4, 60), "user_recents": (5, 10), "userhistory": (5, 10),
    "usersearch": (5, 60), "votefavorite": (5, 10), "wiki": (5, 60), "push_test": (2, 5),
}

TEXT_LIMIT = 65536  # files up to this size are kept as text in the upload records

USERNAME = "fakeuser"
USER_ID = 7
AUTHKEY = "fakeauthkey00000000000000000000"
RSSKEY = "fakersskey00000000000000000000000"


class Tracker(Faults):
    """The site's state and configuration. One lock guards everything, and a
    whole upload (checks, duplicate test, store) runs under it, so concurrent
    uploads of the same torrent cannot both get in."""

    def __init__(self, site, host, api_key, passkey, cookie, source, rate, quiet):
        self.site, self.host, self.api_key, self.passkey = site, host, api_key, passkey
        self.cookie, self.source, self.quiet = cookie, source, quiet
        self.limit, self.per = rate
        self.port = None  # known once the socket is bound
        self.per_action = False  # OPS's own per-action limits (no --rate given)
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
            self.ajax_counter = None  # OPS: [count, expiry] of the per-user ajax counter

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

    def admit(self, now, action=""):
        """Counts one request (refused ones too). None if it may be served,
        else the Retry-After value to send."""
        if self.per_action:
            return self.admit_ops(now, action)
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

    def admit_ops(self, now, action):
        """OPSnet/Gazelle sections/ajax/index.php: only the actions in its
        $LimitedPages are limited; one counter per user serves them all, kept
        for the interval of the action that started it; a request is refused
        when the count before it is over that action's rate (refused ones count).
        The actions mkt uses: browse 5/10 s; index, torrent, upload and
        download are not limited."""
        with self.lock:
            if self.take("rate_limited"):
                return str(self.faults.get("retry_after", "1"))
            if action not in OPS_LIMITED_PAGES:
                return None
            rate, interval = OPS_LIMITED_PAGES[action]
            if self.ajax_counter is None or self.ajax_counter[1] <= now:
                self.ajax_counter = [0, now + interval]
                return None
            before = self.ajax_counter[0]
            self.ajax_counter[0] += 1
            if before > rate:
                return str(max(1, math.ceil(self.ajax_counter[1] - now)))
            return None

    # -- store (callers hold the lock)

    def new_group(self, artist, name, year, releasetype, tags):
        group = {"id": self.next_group, "artist": artist, "name": name, "year": year,
                 "releasetype": releasetype, "tags": tags}
        self.groups[group["id"]] = group
        self.next_group += 1
        return group

    def find_group(self, artist, name, year, releasetype=None):
        return next((g for g in self.groups.values()
                     if g["artist"].lower() == artist.lower() and g["name"].lower() == name.lower()
                     and g["year"] == year and releasetype in (None, g["releasetype"])), None)

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
