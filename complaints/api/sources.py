"""Readers of evidence as it arrives: an inbox (mbox, `.eml`, a ZIP of `.eml` files), an X archive's
direct messages, and a phone system's call log read through a saved column mapping.

Each reader yields `(position in the source, raw row, native file or None)` like the readers
in intake.py, and every raw row goes through `intake.validate_row`. What makes the whole
file unusable (not the claimed format, a truncated message, a ZIP bomb, an unsafe name in a
ZIP, a mapping naming a column the file lacks) is a 400 in words before anything is stored;
what is wrong with one row (an e-mail without a Date, a call time that does not match the
mapping's format) is that row's error.
"""

import datetime as dt
import email
import io
import json
import mailbox
import os
import re
import tempfile
import zipfile
import zoneinfo
from contextlib import contextmanager
from email import errors as email_errors
from email import policy
from html.parser import HTMLParser
from urllib.parse import quote

import phonenumbers
from django.conf import settings
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ParseError

from complaints.api.intake import FIELDS, Native, Unreadable, csv_records
from complaints.models import EvidenceMapping

MAX_TEXT = FIELDS["text"]
# The boundary-level defects of a message cut off before its end.
_TRUNCATED = (email_errors.CloseBoundaryNotFoundDefect, email_errors.StartBoundaryNotFoundDefect)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_SURROGATES = re.compile("[\ud800-\udfff]")


# --- E-mail ----------------------------------------------------------------------------------------------


class _TextOfHTML(HTMLParser):
    """The readable text of an HTML body: tags dropped, blocks on their own lines, scripts and styles unread."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"})
    _SKIPPED = frozenset({"script", "style", "head", "title"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _clean(value: str) -> str:
    """Text a database column takes: no NULs, undecodable bytes (kept as surrogates) as U+FFFD."""
    return _SURROGATES.sub("\ufffd", value.replace("\x00", ""))


def _header(message, name: str):
    try:
        return message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):  # a header the parser cannot model
        return None


def _body_text(message) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError, ValueError):
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return content.strip()


def email_row(raw: bytes, *, where: str):
    """One message's raw row (or Unreadable with the reason). A message with no headers, or cut off
    before its end, makes the file unusable: 400 naming `where`."""
    if not _BLANK_LINE.search(raw) and b":" in raw[:1000] and raw.count(b"\n") > 1:
        raise ParseError(f"{where} is truncated: it ends inside its headers.")
    message = email.message_from_bytes(raw, policy=policy.default)
    if not message.keys():
        raise ParseError(f"{where} has no headers; it is not an e-mail.")
    for part in message.walk():
        if any(isinstance(defect, _TRUNCATED) for defect in part.defects):
            raise ParseError(f"{where} is truncated: it ends before its closing MIME boundary.")
    row = {"channel": "email"}
    sender = _header(message, "From")
    addresses = getattr(sender, "addresses", ()) if sender is not None else ()
    if addresses:
        row["author_name"] = _clean(addresses[0].display_name or "")
        if "@" in addresses[0].addr_spec:
            row["author_email"] = _clean(addresses[0].addr_spec)
    elif sender is not None:
        row["author_name"] = _clean(str(sender))[: FIELDS["author_name"]]
    message_id = _header(message, "Message-ID")
    if message_id is not None and str(message_id).strip():
        row["url"] = "mid:" + quote(str(message_id).strip().strip("<>").strip(), safe="@!$&'()*+,;=:/~-._")
    subject = _header(message, "Subject")
    subject = _clean(str(subject)).strip() if subject is not None else ""
    body = _clean(_body_text(message))
    text = f"{subject}\n\n{body}" if subject and body else subject or body
    if len(text) > MAX_TEXT:  # the whole message is the item's native file
        text = text[: MAX_TEXT - 1] + "…"
    row["text"] = text
    date = _header(message, "Date")
    if date is None or not str(date).strip():
        return Unreadable("The message has no Date header.")
    when = getattr(date, "datetime", None)
    if when is None:
        return Unreadable(f"The Date header '{_clean(str(date))[:60]}' is not a date.")
    if when.tzinfo is None:  # "-0000": the time is UTC, the sender's zone unknown (RFC 5322)
        when = when.replace(tzinfo=dt.UTC)
    row["occurred_at"] = when.isoformat()
    return row


def _message(number: int, raw: bytes, *, where: str):
    return number, email_row(raw, where=where), Native(f"message-{number}.eml", "message/rfc822", raw)


def eml_rows(upload):
    """A single `.eml`: one row."""
    yield _message(1, upload.read(), where="The e-mail")


@contextmanager
def _path_of(upload):
    """A path to the upload's bytes (the mailbox module reads files by path)."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    with tempfile.NamedTemporaryFile(suffix=".mbox", delete=False) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
    try:
        yield copy.name
    finally:
        os.unlink(copy.name)


def mbox_rows(upload):
    """An mbox: one row per message, numbered by its position in the file."""
    with _path_of(upload) as path:
        box = mailbox.mbox(path, create=False)
        try:
            for number, key in enumerate(box.iterkeys(), start=1):
                yield _message(number, box.get_bytes(key), where=f"Message {number} of the mbox")
        finally:
            box.close()


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or re.match(r"[A-Za-z]:", name) is not None


def zip_rows(upload):
    """A ZIP of `.eml` files: one row per e-mail, numbered by its place in the archive.

    Refused (400) before anything is read: more members than the limit, names that climb out
    of the archive (`../`, absolute paths), and members that are not `.eml`. While reading, the
    bytes unpacked are counted against the limit, whatever the archive claims they are.
    """
    max_members = settings.CONDUCT["EVIDENCE_ZIP_MAX_MEMBERS"]
    budget = settings.CONDUCT["EVIDENCE_ZIP_MAX_BYTES"]
    try:
        archive = zipfile.ZipFile(upload.file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ParseError("The ZIP file is damaged or not a ZIP.") from None
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise ParseError(f"The ZIP holds {len(members)} files; at most {max_members} are read.")
        emails = []
        for info in members:
            if _unsafe(info.filename):
                raise ParseError(f"The ZIP holds an unsafe file name: '{info.filename[:100]}'.")
            base = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith("."):
                continue
            if not base.lower().endswith(".eml"):
                raise ParseError(f"The ZIP holds '{info.filename[:100]}', which is not an .eml file.")
            emails.append(info)
        if sum(info.file_size for info in emails) > budget:
            raise ParseError(f"The ZIP unpacks to more than {budget // (1024 * 1024)} MiB.")
        for number, info in enumerate(emails, start=1):
            try:
                with archive.open(info) as member:
                    raw = member.read(budget + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
                raise ParseError(f"'{info.filename[:100]}' in the ZIP cannot be read: {exc}.") from None
            budget -= len(raw)
            if budget < 0:
                raise ParseError("The ZIP unpacks to more than its stated size allows.")
            yield _message(number, raw, where=f"'{info.filename[:100]}' in the ZIP")


# --- X (Twitter) direct messages ----------------------------------------------------------------------------

_YTD_PREFIX = re.compile(r"\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")


def x_dm_rows(upload, *, owner_id: str = ""):
    """An X archive's `direct-messages.js`: the messages the archive's owner received, one row each,
    numbered by the message's position in the file.

    The owner is `owner_id` when given; otherwise the one account taking part in every
    conversation (400 when that is not a single account, as in an archive of one conversation).
    """
    if owner_id and not owner_id.isdigit():
        raise ParseError("`owner_id` is the archive owner's numeric X account id.")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParseError("The file is not UTF-8 text.") from None
    prefix = _YTD_PREFIX.match(text)
    try:
        data = json.loads(text[prefix.end() :] if prefix else text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"The direct-messages file is not valid JSON after its prefix: {exc}.") from None
    if not isinstance(data, list) or not all(isinstance(c, dict) and "dmConversation" in c for c in data):
        raise ParseError("The file is not an X archive's direct messages (no `dmConversation` entries).")
    conversations = []
    for entry in data:
        messages = (entry["dmConversation"] or {}).get("messages") or []
        conversations.append([m.get("messageCreate") if isinstance(m, dict) else None for m in messages])
    owner = owner_id or _archive_owner(conversations)
    number = 0
    for messages in conversations:
        for created in messages:
            number += 1
            if not isinstance(created, dict) or str(created.get("recipientId", "")) != owner:
                continue
            yield (
                number,
                {
                    "channel": "twitter",
                    "author_account": str(created.get("senderId") or ""),
                    "text": created.get("text"),
                    "occurred_at": created.get("createdAt"),
                },
                None,
            )


def _archive_owner(conversations) -> str:
    common = None
    for messages in conversations:
        people = set()
        for created in messages:
            if isinstance(created, dict):
                people |= {str(created.get("senderId", "")), str(created.get("recipientId", ""))}
        people.discard("")
        if people:
            common = people if common is None else common & people
    if not common or len(common) != 1:
        raise ParseError(
            "Cannot tell whose archive this is (no single account is in every conversation); "
            "give the owner's numeric account id as `?owner_id=`."
        )
    return next(iter(common))


# --- Call logs ---------------------------------------------------------------------------------------------

# What phone systems write for a caller who hid their number: kept, but attributable to nobody.
WITHHELD = frozenset(
    {"withheld", "anonymous", "private", "private number", "unknown", "restricted", "unavailable", "no caller id"}
)


def phone_international(value: str, region: str) -> str | None:
    """A phone number in E.164 (+447700900123), reading national numbers as `region`'s; None if it is not one."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _duration(value: str, unit: str) -> int | None:
    value = value.strip()
    if unit == EvidenceMapping.DurationUnit.CLOCK:
        parts = value.split(":")
        if not (2 <= len(parts) <= 3) or not all(p.isdigit() for p in parts):
            return None
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + int(part)
        return seconds
    return int(value) if value.isdigit() else None


def _start(value: str, fmt: str, zone) -> dt.datetime | None:
    value = value.strip()
    try:
        when = parse_datetime(value) if fmt == "iso" else dt.datetime.strptime(value, fmt)
    except ValueError:
        return None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when


def call_log_rows(upload, mapping_name: str):
    """A call log read through the saved mapping `mapping_name`: one row per call, numbered from the
    first row after the header. A number is kept in international form; a withheld one is kept
    as the caller's name, so the item is stored but attributed to nobody."""
    mapping = EvidenceMapping.objects.filter(name=mapping_name).first()
    if mapping is None:
        raise ParseError(f"No saved mapping is called '{mapping_name[:60]}'.")
    columns = mapping.columns()
    region = settings.CONDUCT["PHONE_REGION"]
    zone = zoneinfo.ZoneInfo(mapping.time_zone)
    text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
    try:
        header, rows = csv_records(text)
        missing = [column for column in columns.values() if column not in header]
        if missing:
            raise ParseError(
                f"The mapping '{mapping.name}' names column(s) the file does not have: {', '.join(missing)}."
            )
        for number, cells in rows:
            yield number, _call(cells, columns, mapping, region, zone), None
    except UnicodeDecodeError:
        raise ParseError("The file is not UTF-8 text.") from None
    finally:
        text.detach()


def _call(cells, columns: dict, mapping: EvidenceMapping, region: str, zone):
    if isinstance(cells, Unreadable):
        return cells
    cell = {role: (cells.get(column) or "").strip() for role, column in columns.items()}
    row = {"channel": "phone"}
    caller = cell["caller"]
    if not caller or caller.casefold() in WITHHELD:
        row["author_name"] = caller or "Withheld"
    else:
        international = phone_international(caller, region)
        if international is None:
            return Unreadable(f"The caller '{caller[:40]}' is not a phone number.")
        row["author_phone"] = international
    when = _start(cell["start"], mapping.start_format, zone)
    if when is None:
        return Unreadable(f"The start time '{cell['start'][:40]}' does not match the format '{mapping.start_format}'.")
    row["occurred_at"] = when.isoformat()
    described = [cell.get("direction", ""), cell.get("status", "")]
    if cell.get("duration"):
        seconds = _duration(cell["duration"], mapping.duration_unit)
        if seconds is None:
            return Unreadable(
                f"The duration '{cell['duration'][:20]}' is not in {mapping.get_duration_unit_display()}."
            )
        described.append(f"{seconds // 60}m {seconds % 60:02d}s")
    summary = "Call (" + ", ".join(d for d in described if d) + ")" if any(described) else "Call"
    note = cells.get(columns["note"]) if "note" in columns else None
    row["text"] = f"{summary}: {note}" if note and note.strip() else summary
    return row
