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
             red 10/10, dic 5/10, unit3d 30/60 for every request; ops
             without --rate limits as OPS does, per action (browse 5/10,
             torrentgroup 15/60, artist 15/30, user and request 4/60; index,
             torrent, upload and download unlimited)
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
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the sources, which may be read-only

from server import Server, Handler  # noqa: E402 (after the line above)
from site_state import Tracker  # noqa: E402

DEFAULTS = {
    # site: (source flag, rate limit as (requests, seconds))
    "red": ("RED", (10, 10.0)),
    "ops": ("OPS", (5, 10.0)),
    "dic": ("DICMusic", (5, 10.0)),
    "unit3d": ("UNIT3D", (30, 60.0)),
}


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
    tracker.per_action = args.site == "ops" and args.rate is None
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
