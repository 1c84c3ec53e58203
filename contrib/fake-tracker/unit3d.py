"""UNIT3D's API: /api/torrents/upload, /api/torrents/filter and the download link."""

import re

from bencoding import infohash
from faults import delivered
from site_state import RSSKEY, Upload
from web import FAIL_PAGE, Answer, as_int, html_answer, json_answer


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
