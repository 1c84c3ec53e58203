"""The faults a test switches on over /_fake/faults: their checks, and how a
request uses one up. See fake_tracker.py's usage for what each does."""

from web import Answer, BadRequest, FAIL_PAGE, html_answer, reason


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


class Faults:
    """The fault half of the site's state (`Tracker`): `self.faults` and
    `self.lock` are the tracker's."""

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


def fail_answer(status):
    return html_answer(status, FAIL_PAGE.format(status=status, reason=reason(status)))


def delivered(result):
    """The answer a `drop_after_commit` or `bad_json` fault puts in place of a success."""
    if result.get("delivery") == "drop":
        return Answer(0, drop=True)
    if result.get("delivery") == "bad_json":
        return Answer(200, b'{"status":"succ', "application/json")
    return None
