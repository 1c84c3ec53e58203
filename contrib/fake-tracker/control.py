"""The control endpoints under /_fake/ (state, faults, reset, groups)."""

import base64
import json
import os

from bencoding import BencodeError, bdecode
from web import Answer, BadRequest, json_answer


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
