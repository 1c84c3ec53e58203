"""HTTP plumbing: the request as the handlers see it, the answers they build."""

import email.parser
import email.policy
import email.utils
import http.server
import json
import re


FAIL_PAGE = "<html><body><h1>{status} {reason}</h1></body></html>"


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
