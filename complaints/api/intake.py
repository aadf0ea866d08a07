"""Reading and validating a bulk evidence upload: a JSON array, or a file (CSV, NDJSON, a JSON array,
an mbox, a `.eml`, a ZIP of `.eml` files, an X archive's direct messages, a call log through a
saved mapping; see complaints/api/sources.py for the last four).

Every reader yields rows as `(position in the source, raw row, native file or None)`, and
every raw row, whatever its format, is checked by `validate_row`. Validation is plain
Python over dicts (25,000 rows in well under a second); every row's errors are collected,
so the caller can reject the batch or store only the valid rows.
"""

import csv
import datetime as dt
import io
import json
import re
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from complaints.models import Evidence
from core.errors import DomainError

FIELDS = {
    "channel": None,
    "author_handle": 300,
    "author_name": 200,
    "author_email": 254,
    "author_phone": 40,
    "author_account": 40,
    "url": 2000,
    "text": 20_000,
    "occurred_at": None,
}
CHANNELS = frozenset(Evidence.Channel.values)
_SCHEMES = frozenset({"http", "https"})
_SURROGATE = re.compile("[\ud800-\udfff]")
# http(s)://host then /path, ?query or #fragment, in printable ASCII: a scheme urlsplit reads as
# http(s) and a non-empty netloc without brackets, so no urlsplit is needed to accept it.
_PLAIN_WEB_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\[\]\x00-\x20\x7f-\U0010ffff]+(?:[/?#][\x21-\x7e]*)?\Z")
# An e-mail's url: RFC 2392's mid: scheme and the Message-ID, in printable ASCII.
_MID_URL = re.compile(r"[Mm][Ii][Dd]:[\x21-\x7e]+\Z")
# A file's fields are limited by the file's size, and each field by validate_row (a row error
# with its row number); the csv module's own limit (128 KiB) would reject the whole file.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
FORMATS = ("json", "csv", "ndjson", "mbox", "eml", "zip", "x-dm")
# (field, maximum length, whether surrounding blanks are dropped): the text is kept as sent.
_RULES = tuple((name, max_length, name != "text") for name, max_length in FIELDS.items())


class PayloadTooLarge(DomainError):
    status_code = 413


def _limits():
    return settings.CONDUCT["EVIDENCE_MAX_ITEMS"], settings.CONDUCT["EVIDENCE_MAX_BYTES"]


def check_size(request) -> None:
    """413 before reading a body that announces itself larger than the limit: the synchronous limit for
    a JSON body, the background limit (`EVIDENCE_JOB_MAX_BYTES`) for a multipart file."""
    _, max_bytes = _limits()
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        max_bytes = max(max_bytes, settings.CONDUCT["EVIDENCE_JOB_MAX_BYTES"])
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes:
        raise PayloadTooLarge(f"The upload is larger than {max_bytes // (1024 * 1024)} MiB.")


@dataclass(frozen=True, slots=True)
class Native:
    """A row's native file, as the source held it (an e-mail's raw message): kept with its item."""

    name: str
    content_type: str
    data: bytes


class TooManyItems(PayloadTooLarge):
    """More rows than a synchronous upload may hold: a file this long is read in the background."""


# Formats read as a stream, so a file past the synchronous limits can be read in the background;
# a single e-mail and an X archive are read whole, so they stay within the synchronous limits.
BACKGROUND_FORMATS = frozenset({"json", "csv", "ndjson", "mbox", "zip"})


@dataclass(frozen=True, slots=True)
class FileUpload:
    """An uploaded file and how to read it: its format (claimed or detected, and checked against
    its content), and for a call log the mapping, for an X archive its owner."""

    file: object  # an UploadedFile, or a storage File in a background job
    name: str
    size: int
    format: str
    mapping: str = ""
    owner_id: str = ""


def file_upload(request) -> FileUpload | None:
    """The request's multipart `file` with its format settled (400 when the content is not the format
    claimed), or None when the evidence is a JSON body."""
    params = request.query_params
    claimed = params.get("format", "").lower()
    if claimed and claimed not in FORMATS:
        raise ParseError(f"Unknown format '{claimed[:20]}'; one of: {', '.join(FORMATS)}.")
    if not request.content_type.startswith("multipart/"):
        if claimed not in ("", "json"):
            raise ParseError(f"A {claimed} upload is sent as a multipart `file`.")
        return None
    upload = request.FILES.get("file")
    if upload is None:
        raise ParseError("Send the evidence as a `file` field.")
    return file_upload_of(
        upload, claimed=claimed, mapping=params.get("mapping", ""), owner_id=params.get("owner_id", "")
    )


def file_upload_of(upload, *, claimed: str = "", mapping: str = "", owner_id: str = "") -> FileUpload:
    """An uploaded file with its format settled: `claimed`, or detected from its content (400 when the
    content is not the format claimed, by `claimed` or by the file's name); a call log with `mapping`."""
    claimed = claimed.lower()
    if claimed and claimed not in FORMATS:
        raise ParseError(f"Unknown format '{claimed[:20]}'; one of: {', '.join(FORMATS)}.")
    name = upload.name or ""
    if mapping:
        if claimed not in ("", "csv"):
            raise ParseError("A call-log mapping reads a CSV file; `format` must be csv or left out.")
        return FileUpload(upload, name, upload.size, "csv", mapping=mapping)
    head = upload.read(4096)
    upload.seek(0)
    found = detect_format(head, name)
    named = _NAMED_FORMATS.get(name.lower().rpartition(".")[2], "")
    if not claimed and named and named != found:
        raise ParseError(f"The file is named .{named} but its content is not {named} (it reads as {found}).")
    if claimed and claimed != found and not (claimed == "csv" and found not in ("zip", "mbox", "x-dm")):
        raise ParseError(f"The file's content is not {claimed} (it reads as {found}).")
    return FileUpload(upload, name, upload.size, claimed or found, owner_id=owner_id)


def file_rows(source: FileUpload, *, stream_json: bool = False):
    """Every row of a file, in order and uncapped, as (position in the source, raw row, native file or None).
    `stream_json` reads a JSON array from the file a piece at a time (a background job's file may
    be far larger than memory should hold)."""
    from complaints.api import sources  # the readers of real-world sources build on this module

    upload = source.file
    if source.mapping:
        return sources.call_log_rows(upload, source.mapping)
    if source.format == "mbox":
        return sources.mbox_rows(upload)
    if source.format == "eml":
        return sources.eml_rows(upload)
    if source.format == "zip":
        return sources.zip_rows(upload)
    if source.format == "x-dm":
        return sources.x_dm_rows(upload, owner_id=source.owner_id)
    if source.format == "json" and stream_json:
        return _json_file_rows(upload)
    return _read_file(upload, source.format)


def read_rows(request, source: FileUpload | None = None) -> list[tuple[int, object, Native | None]]:
    """The upload's rows as (position in the source, raw row, native file or None), in order: at
    most the item limit (TooManyItems, a 413, at the first row past it).

    Files are read as a stream (CSV or NDJSON line by line, from the upload's temporary
    file; mbox message by message), and a JSON array element by element, so however small
    the rows, memory holds the rows up to the limit and never the whole parsed file. The
    format is `?format=` or detected from the content; `?mapping=NAME` reads a call log.
    `source` is the request's `file_upload`, when the caller has settled it already.
    """
    max_items, max_bytes = _limits()
    source = source or file_upload(request)
    if source is not None:
        if source.size > max_bytes:
            raise PayloadTooLarge(f"The file is larger than {max_bytes // (1024 * 1024)} MiB.")
        return _capped(file_rows(source), max_items)
    rows = request.data
    if not isinstance(rows, list):
        raise ParseError("Send a JSON array of evidence items, or a multipart `file`.")
    return [(number, raw, None) for number, raw in enumerate(rows, start=1)]


_HEADER_LINE = re.compile(rb"[!-9;-~]+:[ \t]")
_MAIL_HEADERS = (
    b"received:",
    b"return-path:",
    b"from:",
    b"to:",
    b"date:",
    b"subject:",
    b"message-id:",
    b"mime-version:",
    b"delivered-to:",
    b"x-",
    b"content-type:",
    b"reply-to:",
    b"sender:",
    b"dkim-signature:",
    b"arc-",
    b"authentication-results:",
)


# Names that promise a format the content must keep.
_NAMED_FORMATS = {"eml": "eml", "mbox": "mbox", "zip": "zip"}


def detect_format(head: bytes, name: str = "") -> str:
    """The format of a file from its first bytes (and, between CSV and NDJSON, its name)."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    stripped = head.lstrip()
    name = name.lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"From "):
        return "mbox"
    if stripped.startswith(b"window.YTD."):
        return "x-dm"
    if _HEADER_LINE.match(head) and head.lower().startswith(_MAIL_HEADERS):
        return "eml"
    if stripped.startswith(b"["):
        return "json"
    if name.endswith((".ndjson", ".jsonl")) or (stripped.startswith(b"{") and not name.endswith(".csv")):
        return "ndjson"
    return "csv"


class EvidenceJSONParser(JSONParser):
    """JSON, with an array read element by element (`json_array_rows`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return json_array_rows(stream.read().decode("utf-8") if stream is not None else "")
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def _too_many(max_items: int) -> TooManyItems:
    return TooManyItems(f"At most {max_items} items per upload; this one holds more.")


def _capped(rows, max_items: int) -> list:
    """The rows of an iterator, refusing (413) at the first one past `max_items`."""
    kept = []
    for row in rows:
        if len(kept) == max_items:
            raise _too_many(max_items)
        kept.append(row)
    return kept


def json_array_rows(text: str) -> list:
    """A JSON array's elements, decoded one at a time (413 at the first past the item limit);
    anything else is decoded whole, for the caller to refuse in words."""
    max_items, _ = _limits()
    decoder = json.JSONDecoder()
    at = _skip_blanks(text, 0)
    if not text.startswith("[", at):
        return json.loads(text)

    def elements():
        position = _skip_blanks(text, at + 1)
        if text.startswith("]", position):
            return
        while True:
            element, position = decoder.raw_decode(text, position)
            yield element
            position = _skip_blanks(text, position)
            if text.startswith(",", position):
                position = _skip_blanks(text, position + 1)
            elif text.startswith("]", position):
                if _skip_blanks(text, position + 1) != len(text):
                    raise ValueError("Extra data after the array.")
                return
            else:
                raise ValueError(f"Expected ',' or ']' at character {position}.")

    return _capped(elements(), max_items)


def _json_file_rows(upload, chunk_chars: int = 1 << 20):
    """A JSON array file's elements, decoded one at a time from a window of at most a few chunks of
    text (plus the element being read), so memory never holds the whole file."""
    decoder = json.JSONDecoder()
    text = io.TextIOWrapper(upload.file, encoding="utf-8-sig")
    buffer, position, ended = "", 0, False

    def more() -> bool:
        nonlocal buffer, position, ended
        if ended:
            return False
        piece = text.read(chunk_chars)
        ended = not piece
        buffer, position = buffer[position:] + piece, 0
        return not ended

    def blanks_then() -> str:
        # The next character that is not blank ("" at the end of the file).
        nonlocal position
        while True:
            position = _skip_blanks(buffer, position)
            if position < len(buffer) or not more():
                return buffer[position : position + 1]

    try:
        upload.seek(0)
        if blanks_then() != "[":
            raise ParseError("The JSON file is not an array of evidence items.")
        position += 1
        if blanks_then() == "]":
            position += 1
        else:
            number = 0
            while True:
                blanks_then()
                while True:
                    try:
                        element, end = decoder.raw_decode(buffer, position)
                    except ValueError:
                        if more():
                            continue
                        raise
                    if end == len(buffer) and more():  # a number or literal may go on in the next chunk
                        continue
                    break
                position = end
                number += 1
                yield number, element, None
                following = blanks_then()
                position += 1
                if following == "]":
                    break
                if following != ",":
                    raise ValueError(f"Expected ',' or ']' after element {number}.")
        if blanks_then():
            raise ValueError("Extra data after the array.")
    except UnicodeDecodeError:
        raise ParseError("The file is not UTF-8 text.") from None
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    finally:
        text.detach()


_BLANKS = re.compile(r"[ \t\n\r]*")


def _skip_blanks(text: str, position: int) -> int:
    return _BLANKS.match(text, position).end()


def _read_file(upload, fmt: str):
    """The rows of a CSV, NDJSON or JSON-array file, read as a stream of text from its (temporary) file."""
    if fmt == "json":
        try:
            rows = json_array_rows(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ParseError("The file is not UTF-8 text.") from None
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if not isinstance(rows, list):
            raise ParseError("The JSON file is not an array of evidence items.")
        yield from ((number, raw, None) for number, raw in enumerate(rows, start=1))
        return
    if b"\x00" in upload.read(4096):
        upload.seek(0)
        raise ParseError(f"The file is not {fmt.upper()} text (it holds binary data).")
    upload.seek(0)
    text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
    try:
        if fmt == "ndjson":
            yield from _ndjson_rows(text)
        else:
            yield from _csv_rows(text)
    except UnicodeDecodeError:
        raise ParseError("The file is not UTF-8 text.") from None
    finally:
        text.detach()


def _ndjson_rows(text):
    number = 0
    for line_number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        number += 1
        try:
            yield number, json.loads(line), None
        except (ValueError, RecursionError):
            yield number, _Unreadable(f"line {line_number} is not valid JSON"), None


def csv_records(text, *, known: set | None = None, required=()):
    """(header, rows) of a CSV stream: rows as (position, {column: cell}) with blank lines skipped,
    or (position, _Unreadable) for a row the csv module cannot read, so one bad row is a row
    error and the rows after it are still read. `known` refuses unknown columns, `required`
    missing ones (400)."""
    reader = csv.reader(text)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise ParseError(f"The CSV file's header row is malformed: {exc}.") from None
    if not header:
        raise ParseError("The CSV file has no header row.")
    if known is not None:
        unknown = sorted(set(header) - known)
        if unknown:
            raise ParseError(f"Unknown CSV column(s): {', '.join(unknown)}.")
    missing = sorted(set(required) - set(header))
    if missing:
        raise ParseError(f"Missing CSV column(s): {', '.join(missing)}.")

    def rows():
        # As csv.DictReader, without its cost per row: blank lines are skipped, cells past the
        # header dropped, and columns a short row lacks are None.
        width = len(header)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield number, _Unreadable(f"the row cannot be read as CSV: {exc}")
                continue
            if not cells:
                continue
            number += 1
            row = dict(zip(header, cells, strict=False))
            if len(cells) < width:
                row.update(dict.fromkeys(header[len(cells) :]))
            yield number, row

    return header, rows()


def _csv_rows(text):
    _, rows = csv_records(text, known=set(FIELDS), required=("channel", "occurred_at"))
    for number, row in rows:
        yield number, row, None


class _Unreadable:
    """A row its reader could not make a dict of, and why: validate_row turns it into the row's error."""

    __slots__ = ("reason",)

    def __init__(self, reason):
        self.reason = reason


Unreadable = _Unreadable


def validate_row(raw, *, latest: dt.datetime | None = None) -> tuple[dict | None, dict]:
    """(clean item, {}) or (None, {field: [message]}); `latest` is the latest acceptable time
    (a day from now by default)."""
    if isinstance(raw, _Unreadable):
        return None, {"non_field_errors": [raw.reason]}
    if not isinstance(raw, dict):
        return None, {"non_field_errors": ["Must be an object."]}
    errors: dict[str, list[str]] = {}
    item: dict = {}
    if not raw.keys() <= FIELDS.keys():
        for key in raw:
            if key not in FIELDS:
                errors[str(key)[:50]] = ["Unknown field."]
    for field, max_length, strip in _RULES:
        value = raw.get(field)
        if value is None:
            value = ""
        elif not isinstance(value, str):
            errors[field] = ["Must be a string."]
            continue
        elif strip:
            value = value.strip()
        if max_length and len(value) > max_length:
            errors[field] = [f"At most {max_length} characters."]
            continue
        if "\x00" in value:  # no database text column takes them
            errors[field] = ["Null characters are not allowed."]
            continue
        if not value.isascii() and (surrogate := _SURROGATE.search(value)):  # not encodable as UTF-8
            errors[field] = [f"Surrogate characters are not allowed: U+{ord(surrogate.group()):X}."]
            continue
        item[field] = value
    if "channel" not in errors:
        if not item["channel"]:
            errors["channel"] = ["This field is required."]
        elif item["channel"] not in CHANNELS:
            errors["channel"] = [f"Unknown channel '{item['channel'][:40]}'."]
    if "url" not in errors and item.get("url") and not _is_web_url(item["url"]) and not _MID_URL.match(item["url"]):
        errors["url"] = ["Not a valid http(s) URL."]
    if "occurred_at" not in errors:
        when = _parse_time(item.get("occurred_at", ""), latest or timezone.now() + dt.timedelta(days=1))
        if isinstance(when, str):
            errors["occurred_at"] = [when]
        else:
            item["occurred_at"] = when
    return (None, errors) if errors else (item, {})


def _is_web_url(value: str) -> bool:
    if _PLAIN_WEB_URL.match(value):  # the usual spelling, which urlsplit always accepts
        return True
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed [IPv6] host and the like
        return False
    return parts.scheme in _SCHEMES and bool(parts.netloc)


def _parse_time(value: str, latest: dt.datetime):
    if not value:
        return "This field is required."
    try:
        when = parse_datetime(value)
    except ValueError:
        when = None
    if when is None:
        return "Not a valid ISO 8601 date-time."
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > latest:
        return "Cannot be in the future."
    if when.year < 1990:
        return "Is implausibly early."
    return when


def validate_rows(rows: list) -> tuple[list[dict], list[dict]]:
    """(valid items, rejected [{"row": n, "errors": {...}}]) from `read_rows`' rows, each rejected
    row named by its position in the source. A valid item with a native file carries it as `native`."""
    valid, rejected = [], []
    for number, item, errors in validate_rows_iter(rows):
        if errors:
            rejected.append({"row": number, "errors": errors})
        else:
            valid.append(item)
    return valid, rejected


def validate_rows_iter(rows):
    """`validate_rows` one row at a time: (position, clean item or None, errors) for each row read."""
    latest = timezone.now() + dt.timedelta(days=1)
    for number, raw, native in rows:
        item, errors = validate_row(raw, latest=latest)
        if not errors and native is not None:
            item["native"] = native
        yield number, item, errors
