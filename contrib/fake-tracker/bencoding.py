"""Strict bencode, and what the fake reads from a torrent's `info`."""

import hashlib
import re


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
