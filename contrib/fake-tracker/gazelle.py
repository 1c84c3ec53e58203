"""Gazelle, as RED, OPS and DIC run it: the ajax.php API (RED, OPS) and the
upload.php web form (DIC), with each site's tables and answers."""

import html
import re

from bencoding import infohash, text_of
from faults import delivered
from site_state import AUTHKEY, USER_ID, USERNAME, Upload
from web import FAIL_PAGE, Answer, as_int, html_answer, json_answer, redirect


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


class Validator:
    """Gazelle's form validator, as both codebases run it: rules are checked
    in the order each field was first given one (a later rule for a field
    replaces it in place), and the first failure's message is the answer.
    Lengths are bytes (strlen). OPS (OPSnet/Gazelle app/Util/Validator.php)
    says "FIELD is not specified" for a required field that is absent and
    appends "!" past a number's maximum; WhatCD (WhatCD/Gazelle
    classes/validate.class.php), which RED and DIC descend from, reads an
    absent field as empty and appends "!!"."""

    def __init__(self, ops):
        self.ops, self.rules = ops, {}

    def set(self, name, required, kind, message, minimum=None, maximum=None, choices=None, regex=None):
        self.rules[name] = (required, kind, message, minimum, maximum, choices, regex)

    def first_error(self, up):
        for name, (required, kind, message, minimum, maximum, choices, regex) in self.rules.items():
            given = up.req.values(name)
            if self.ops and required and not given:
                return f"{name} is not specified"
            raw = given[0] if given else ""
            if raw == "" and not required:
                continue
            if kind == "string":
                size = len(raw.strip().encode())
                low = 1 if minimum is None else minimum
                high = 255 if maximum is None else maximum
                if size > high or size < low:
                    return message
            elif kind == "number":
                if re.search(r"[^0-9]", raw) or raw == "":
                    return message
                if maximum is not None and int(raw) > maximum:
                    return message + ("!" if self.ops else "!!")
                if minimum is not None and int(raw) < minimum:
                    return f"{message}{minimum}"
            elif kind == "inarray":
                wanted = as_int(raw) if choices and isinstance(next(iter(choices)), int) else raw
                if wanted not in choices:
                    return message
            elif kind == "regex" and not re.search(regex, raw):
                return message
        return None


OPS_CATEGORIES = range(0, 7)  # CATEGORY in OPSnet/Gazelle lib/config.php: Music .. Comics


def artist_error(up):
    """The artist rules of both codebases: as many importance[] as artists[],
    and at least one non-empty artist of importance 1 (Main)."""
    artists, importance = up.values("artists[]"), up.values("importance[]")
    if len(artists) != len(importance):
        return "There is an error with how artists are specified."
    if not any(role == "1" and artist for artist, role in zip(artists, importance)):
        return "Please enter at least one main artist"
    return None


def ops_checks(t, up):
    """OPSnet/Gazelle sections/upload/upload_handle.php, in its order: the
    artists, then the Validator's rules, then the torrent file."""
    category = as_int(up.req.field("type"))
    music, group = category == MUSIC, up.value("groupid")
    if music and not group:
        error = artist_error(up)
        if error:
            return error
    v = Validator(ops=True)
    v.set("type", True, "inarray", "Please select a valid category.", choices=set(OPS_CATEGORIES))
    v.set("release_desc", False, "string", "The release description you entered is too long.", maximum=1_000_000)
    if not music or not group:
        v.set("tags", True, "string", "You must enter at least one tag. Maximum length is 200 characters.", 2, 200)
        v.set("title", True, "string", "Title must be less than 200 characters.", maximum=200)
    if up.req.values("album_desc"):
        v.set("album_desc", True, "string", "The album description has a minimum length of 10 characters.", 10, 1_000_000)
    encoding, remastered = up.value("bitrate"), bool(up.req.values("remaster"))
    if category in (MUSIC, AUDIOBOOKS, COMEDY):
        v.set("format", True, "inarray", "Please select a valid format.", choices=FORMATS["ops"])
        if encoding != "Other":
            v.set("bitrate", True, "inarray", "You must choose a bitrate.", choices=BITRATES["ops"])
        elif up.value("format") == "FLAC":
            v.set("bitrate", True, "regex", "FLAC bitrate must be lossless.", regex="Lossless")
        else:
            v.set("other_bitrate", True, "string", "You must enter the other bitrate (max length: 9 characters).", maximum=9)
    if category == AUDIOBOOKS:
        v.set("year", True, "number", "The year of the release must be entered.")
    if music:
        v.set("groupid", False, "number", "Group ID was not numeric")
        v.set("media", True, "inarray", "Please select a valid media.", choices=MEDIA["ops"])
        for field, what in (("remaster_title", "Remaster title"), ("remaster_record_label", "Remaster record label"),
                            ("remaster_catalogue_number", "Remaster catalogue number")):
            v.set(field, False, "string", f"{what} must be between 1 and 80 characters.", 1, 80)
        cd = up.value("media") == "CD"
        predates = "You have selected a year for an album that predates the media you say it was created on."
        if not group:
            v.set("year", True, "number", "The year of the original release must be entered.")
            v.set("releasetype", True, "inarray", "Please select a valid release type.", choices=RELEASE_TYPES["ops"])
            v.set("record_label", False, "string", "Record label must be between 1 and 80 characters.", 1, 80)
            v.set("catalogue_number", False, "string", "Catalogue Number must be between 1 and 80 characters.", 1, 80)
            if cd and not remastered:
                v.set("year", True, "number", predates, minimum=1982)
        if not remastered:
            v.set("remaster_year", False, "number", "Invalid remaster year.")
        else:
            if not up.value("unknown"):
                v.set("remaster_year", True, "number", "Year of remaster/re-issue must be entered.")
            if cd:
                v.set("remaster_year", True, "number", predates, minimum=1982)
    error = v.first_error(up)
    if error:
        return error
    name = up.file["filename"] if up.file else ""
    if not name.lower().endswith(".torrent"):
        return f"You seem to have put something other than a torrent file into the upload field. ({name})."
    if not up.file["data"]:
        return "No torrent file uploaded, or file is empty."
    return torrent_error(up, name)


def whatcd_checks(t, up):
    """WhatCD/Gazelle sections/upload/upload_handle.php (RED's and DIC's
    ancestor; their own code is closed): each check sets the error and a
    later one replaces it, so the answer is the last that failed of: the
    Validator's rules, the torrent file, the log files' names, the artists."""
    category = as_int(up.req.field("type"))
    music, group = category == MUSIC, up.value("groupid")
    encoding, remastered = up.value("bitrate"), bool(up.req.values("remaster"))
    tables = "red" if t.site == "red" else "ops"
    v = Validator(ops=False)
    v.set("type", True, "inarray", "Please select a valid type.", choices=set(OPS_CATEGORIES))

    def bitrate_rules():
        if encoding == "Other":
            if up.value("format") == "FLAC" and music:
                v.set("bitrate", True, "regex", "FLAC bitrate must be lossless.", regex="Lossless")
            v.set("other_bitrate", True, "string", "You must enter the other bitrate (max length: 9 characters).", maximum=9)
        else:
            v.set("bitrate", True, "inarray", "You must choose a bitrate.", choices=BITRATES[tables])

    if music:
        cd = up.value("media") == "CD"
        predates = "You have selected a year for an album that predates the media you say it was created on."
        if not group:
            v.set("title", True, "string", "Title must be between 1 and 200 characters.", 1, 200)
            v.set("year", True, "number", "The year of the original release must be entered.")
            v.set("releasetype", True, "inarray", "Please select a valid release type.", choices=RELEASE_TYPES[t.site])
            v.set("tags", True, "string", "You must enter at least one tag. Maximum length is 200 characters.", 2, 200)
            v.set("record_label", False, "string", "Record label must be between 2 and 80 characters.", 2, 80)
            v.set("catalogue_number", False, "string", "Catalogue Number must be between 2 and 80 characters.", 2, 80)
            v.set("album_desc", True, "string", "The album description has a minimum length of 10 characters.", 10, 1_000_000)
            if cd and not remastered:
                v.set("year", True, "number", predates, minimum=1982)
        if remastered and not up.value("unknown"):
            v.set("remaster_year", True, "number", "Year of remaster/re-issue must be entered.")
        else:
            v.set("remaster_year", False, "number", "Invalid remaster year.")
        if cd and remastered:
            v.set("remaster_year", True, "number", predates, minimum=1982)
        for field, what in (("remaster_title", "Remaster title"), ("remaster_record_label", "Remaster record label"),
                            ("remaster_catalogue_number", "Remaster catalogue number")):
            v.set(field, False, "string", f"{what} must be between 2 and 80 characters.", 2, 80)
        v.set("format", True, "inarray", "Please select a valid format.", choices=FORMATS[tables])
        bitrate_rules()
        v.set("media", True, "inarray", "Please select a valid media.", choices=MEDIA[tables])
        v.set("release_desc", False, "string", "The release description has a minimum length of 10 characters.", 10, 1_000_000)
        v.set("groupid", False, "number", "Group ID was not numeric")
    elif category in (AUDIOBOOKS, COMEDY):
        v.set("title", True, "string", "Title must be between 2 and 200 characters.", 2, 200)
        v.set("year", True, "number", "The year of the release must be entered.")
        v.set("format", True, "inarray", "Please select a valid format.", choices=FORMATS[tables])
        bitrate_rules()
        v.set("album_desc", True, "string", "You must enter a proper audiobook description.", 10, 1_000_000)
        v.set("tags", True, "string", "You must enter at least one tag. Maximum length is 200 characters.", 2, 200)
        v.set("release_desc", False, "string", "The release description has a minimum length of 10 characters.", 10, 1_000_000)
    error = v.first_error(up)
    name = up.file["filename"] if up.file else ""
    if not up.file or not up.file["data"]:
        error = "No torrent file uploaded, or file is empty."
    elif not name.lower().endswith(".torrent"):
        error = f"You seem to have put something other than a torrent file into the upload field. ({name})."
    if not error and up.value("format") == "FLAC":
        for log in (f["filename"] for f in up.req.form()[1] if f["name"] == "logfiles[]"):
            if log and not log.lower().endswith(".log"):
                error = f"You seem to have put something other than an EAC or XLD log file into an upload field. ({log})."
                break
    if music and not group:
        artists, importance = up.values("artists[]"), up.values("importance[]")
        if not any(role == "1" and artist for artist, role in zip(artists, importance)):
            error = "Please enter at least one main artist"
    return error or torrent_error(up, name)


def torrent_error(up, name):
    """The torrent file's own checks after the form's (OPSnet/Gazelle's texts;
    WhatCD's code has none for a corrupt or a v2 torrent)."""
    if up.info is None:
        return f"The torrent file '{name}' is corrupted, please recreate it"
    if b"meta version" in up.info:
        return "This torrent is not a V1 torrent. V2 and Hybrid torrents are not supported here."
    return None


def path_error(t, up):
    """Each file's path, folder and name, within MAX_FILENAME_LENGTH
    characters: 255 on OPS (upload_handle.php), 180 in WhatCD's code, which
    RED and DIC keep (smoked-salmon checks 180 for both)."""
    limit = 255 if t.site == "ops" else 180
    folder = text_of(up.info.get(b"name")) if isinstance(up.info.get(b"files"), list) else ""
    entries = up.info.get(b"files") if isinstance(up.info.get(b"files"), list) else [{b"path": [up.info.get(b"name", b"")]}]
    long_paths = []
    for entry in entries:
        parts = entry.get(b"path", []) if isinstance(entry, dict) else []
        path = "/".join(text_of(p) for p in parts if isinstance(p, bytes))
        if len(path) + len(folder) + 1 > limit:
            long_paths.append(f"{folder}/{path}")
    if not long_paths:
        return None
    if t.site == "ops":
        return ("The torrent contained one or more files with too long a name: <ul>"
                + "".join(f"<li>{html.escape(p)}</li>" for p in long_paths) + "</ul><br>")
    return "The torrent contained one or more files with too long a name:<br /> " + " <br />".join(long_paths)


def gazelle_checks(t, up):
    """The upload handler's checks: OPS's own code, or WhatCD's for RED and
    DIC. The failure's message, or None. Runs under the lock."""
    error = ops_checks(t, up) if t.site == "ops" else whatcd_checks(t, up)
    return error or t.faults.get("validation")


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
        too_long = path_error(t, up)
        if too_long and t.site != "ops":  # WhatCD sets this error after the duplicate's, so it is the one shown
            up.record("rejected")
            return {"outcome": "rejected", "error": too_long}
        if existing:
            up.record("duplicate", existing["id"], existing["groupId"])
            if t.site == "ops":
                link = f'torrents.php?id={existing["groupId"]}&amp;torrentid={existing["id"]}'
                error = f'The exact same torrent file already exists on the site! <a href="{link}">link</a>'
            else:
                error = f'<a href="torrents.php?torrentid={existing["id"]}">The exact same torrent file already exists on the site!</a>'
            return {"outcome": "duplicate", "error": error}
        if too_long:
            up.record("rejected")
            return {"outcome": "rejected", "error": too_long}
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
            # OPS looks for a group by each main artist, title, release type and year.
            group = t.find_group(main, up.value("title"), year, as_int(up.value("releasetype")))
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
        if "remaster" in up.req.form()[0] and not up.value("unknown"):
            edition = {"remasterYear": as_int(up.value("remaster_year")) or 0,
                       "remasterTitle": up.value("remaster_title"),
                       "remasterRecordLabel": up.value("remaster_record_label"),
                       "remasterCatalogueNumber": up.value("remaster_catalogue_number")}
        else:  # both codebases drop edition fields sent without `remaster` (or with `unknown`)
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
