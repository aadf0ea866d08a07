"""The police pack: a complaint's threat items handed to the police as one BagIt bag (RFC 8493), zipped.

The bag (`police-pack-<REF>-<UTC time>/`) holds, under `data/`: a cover sheet
(`summary.html`), the incident log (`incident-log.csv`, one row per threat item in time
order), each item's canonical record (`items/<id>.json`) and native file
(`items/<id>-<name>`), and the complaint's audit events (`audit-extract.jsonl`).
`manifest-sha256.txt` lists the SHA-256 of every payload file, `tagmanifest-sha256.txt`
that of the tag files. An item's `sha256` in the incident log is the SHA-256 of its
record file, so it is the manifest's line for `data/items/<id>.json`.

Building a pack is audited (`complaint.police_pack`) with the SHA-256 of the bag's
`manifest-sha256.txt`. That event cannot be inside the bag it describes, so the bag
names the audit log's head as it was before the build (`Audit-Head-Seq`,
`Audit-Head-Hash`) and the extract stops there.
"""

import csv
import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import bagit
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.timesince import timesince, timeuntil

from audit.chain import GENESIS
from audit.events import Event, object_event
from audit.models import AuditEvent
from complaints import workflow
from complaints.models import Complaint, Evidence, EvidenceFile, PoliceReferral
from complaints.selectors.threats import complaint_audit_q, police_clock, referral_list, threat_senders
from conduct.models import Severity
from core.csv import safe_cell
from core.errors import ConflictError, NotFound

NO_THREATS = "This complaint holds no threat items, so there is nothing to hand to the police."

INCIDENT_LOG_COLUMNS = (
    "utc_time",
    "channel",
    "sender_handle",
    "email",
    "phone",
    "name",
    "url",
    "text",
    "categories",
    "evidence_id",
    "sha256",
)

AUDIT_EXTRACT_FIELDS = (
    "seq",
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "case_ref",
    "data",
    "prev_hash",
    "hash",
)

_ITEM_COLUMNS = (
    "pk",
    "channel",
    "author_handle",
    "author_name",
    "author_email",
    "author_phone",
    "sender_key",
    "url",
    "text",
    "occurred_at",
    "created_at",
    "categories",
    "severity",
    "threat",
    "machine_threat",
    "machine_categories",
    "attachment",
)

_CHUNK = 2000
_COPY_BLOCK = 1024 * 1024


def utc_iso(value: dt.datetime) -> str:
    """An aware time as UTC ISO 8601 with a Z: 2026-12-01T14:05:00Z."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def canonical_record(record: dict) -> bytes:
    """An item's record file: UTF-8 JSON, keys sorted, no spaces. Its SHA-256 is the item's sha256."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def police_pack_name(*, complaint: Complaint, now: dt.datetime) -> str:
    """The bag's folder name, and the ZIP's name without `.zip`: police-pack-<REF>-<UTC time>."""
    return f"police-pack-{complaint.reference}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def threat_items(*, complaint: Complaint, referral: PoliceReferral | None = None):
    """The complaint's threat items in time order; with a referral, only the threat items it covers."""
    items = Evidence.objects.filter(complaint=complaint, threat=True)
    if referral is not None:
        items = items.filter(police_referrals=referral)
    return items.order_by("occurred_at", "pk")


def _copy_native(name: str, pk: int, items_dir: Path, *, storage=None, prefix: str = "") -> tuple[str, str] | None:
    """Copy an item's native file unaltered into the bag: (its path in the bag, its SHA-256), or None
    when storage no longer has it."""
    storage = storage or Evidence._meta.get_field("attachment").storage
    filename = f"{pk}-{prefix}{get_valid_filename(os.path.basename(name))}"
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as source, open(items_dir / filename, "wb") as target:
            while block := source.read(_COPY_BLOCK):
                digest.update(block)
                target.write(block)
    except FileNotFoundError:
        (items_dir / filename).unlink(missing_ok=True)
        return None
    return f"data/items/{filename}", digest.hexdigest()


def _write_items(complaint: Complaint, items, payload: Path) -> dict:
    """Write each item's record and native file, and the incident log; return what the cover sheet shows."""
    items_dir = payload / "items"
    items_dir.mkdir()
    count, first, latest, serious, missing = 0, None, None, None, []
    with open(payload / "incident-log.csv", "w", newline="", encoding="utf-8") as log:
        writer = csv.writer(log)
        writer.writerow(INCIDENT_LOG_COLUMNS)
        files_by_item: dict[int, list] = {}
        for file_row in (
            EvidenceFile.objects.filter(evidence__in=items.values("pk"))
            .order_by("evidence_id", "pk")
            .values("evidence_id", "pk", "file", "sha256")
        ):
            files_by_item.setdefault(file_row["evidence_id"], []).append(file_row)
        file_storage = EvidenceFile._meta.get_field("file").storage
        for row in items.values(*_ITEM_COLUMNS).iterator(chunk_size=_CHUNK):
            pk = row["pk"]
            native = _copy_native(row["attachment"], pk, items_dir) if row["attachment"] else None
            if row["attachment"] and native is None:
                missing.append(pk)
            native_files = []
            for file_row in files_by_item.get(pk, ()):
                copied = _copy_native(
                    file_row["file"], pk, items_dir, storage=file_storage, prefix=f"file{file_row['pk']}-"
                )
                if copied is None:
                    missing.append(pk)
                    continue
                # Kept unaltered since upload: the copy's hash is the one recorded then.
                native_files.append({"path": copied[0], "sha256": copied[1], "recorded_sha256": file_row["sha256"]})
            record = {
                "id": pk,
                "complaint": complaint.reference,
                "channel": row["channel"],
                "author_handle": row["author_handle"],
                "author_name": row["author_name"],
                "author_email": row["author_email"],
                "author_phone": row["author_phone"],
                "sender_key": row["sender_key"],
                "url": row["url"],
                "text": row["text"],
                "occurred_at": utc_iso(row["occurred_at"]),
                "received_at": utc_iso(row["created_at"]),
                "categories": list(row["categories"] or []),
                "threat": row["threat"],
                "machine_threat": row["machine_threat"],
                "machine_categories": list(row["machine_categories"] or []),
                "native_file": native[0] if native else None,
                "native_sha256": native[1] if native else None,
            }
            if native_files:  # only then: the records (and sha256) of items without files stay as they were
                record["native_files"] = native_files
            body = canonical_record(record)
            (items_dir / f"{pk}.json").write_bytes(body)
            writer.writerow(
                [
                    safe_cell(record["occurred_at"]),
                    safe_cell(record["channel"]),
                    safe_cell(record["author_handle"]),
                    safe_cell(record["author_email"]),
                    safe_cell(record["author_phone"]),
                    safe_cell(record["author_name"]),
                    safe_cell(record["url"]),
                    safe_cell(record["text"]),
                    safe_cell("; ".join(record["categories"])),
                    pk,
                    hashlib.sha256(body).hexdigest(),
                ]
            )
            shown = {**record, "severity": Severity(row["severity"]).label, "sent": row["occurred_at"]}
            count += 1
            first = first or shown
            latest = shown
            # The most serious: the highest severity, then the most categories; the earliest of equals.
            weight = (row["severity"], len(record["categories"]))
            if serious is None or weight > serious[0]:
                serious = (weight, shown)
    highlights: dict[int, dict] = {}
    for label, item in (("first", first), ("most serious", serious[1] if serious else None), ("latest", latest)):
        if item is not None:
            highlights.setdefault(item["id"], {"labels": [], "item": item})["labels"].append(label)
    return {"count": count, "highlights": list(highlights.values()), "missing_native": missing}


def _write_audit_extract(complaint: Complaint, head_seq: int, path: Path) -> int:
    """The complaint's audit events up to the head, in seq order, one JSON object a line; `at` as the
    chain hashed it (`datetime.isoformat()`), so each link can be recomputed from the line alone."""
    events = (
        AuditEvent.objects.filter(complaint_audit_q(complaint), seq__lte=head_seq)
        .order_by("seq")
        .values_list(*AUDIT_EXTRACT_FIELDS)
    )
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for values in events.iterator(chunk_size=_CHUNK):
            line = dict(zip(AUDIT_EXTRACT_FIELDS, values, strict=True))
            line["at"] = line["at"].isoformat()
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    return count


def _one_line(value) -> str:
    return " ".join(str(value).split())


def _make_bag(bag_dir: Path, bag_info: dict) -> str:
    """Turn `bag_dir` into a BagIt 1.0 bag; return the SHA-256 of its manifest-sha256.txt.

    bagit 1.9.0 writes `BagIt-Version: 0.97`; the bag is otherwise RFC 8493's 1.0 (the same
    manifests and tag files), so the version line is set to 1.0 and the tag manifest rewritten
    through the library's own `Bag.save`.
    """
    bag = bagit.make_bag(str(bag_dir), bag_info, checksums=["sha256"])
    (bag_dir / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    bag.save()  # rewrites bag-info.txt as it was and the tag manifest over the new bagit.txt
    return hashlib.sha256((bag_dir / "manifest-sha256.txt").read_bytes()).hexdigest()


def _zip(bag_dir: Path, out) -> None:
    """Write the bag into `out` as a ZIP whose one top folder is the bag."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for root, dirs, files in os.walk(bag_dir):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                archive.write(path, f"{bag_dir.name}/{path.relative_to(bag_dir).as_posix()}")


def police_pack_build(*, complaint: Complaint, actor, referral: PoliceReferral | None = None, now=None):
    """Build the complaint's police pack (optionally only the threat items `referral` covers) and
    audit it: returns (an open temporary file holding the ZIP, positioned at its start, the SHA-256
    of the bag's manifest-sha256.txt). The caller closes the file (FileResponse does), which deletes it.

    Officers only, with no conflict with the complaint (403 otherwise); 409 without threat items.
    Memory: the bag is written to a temporary directory and zipped into a temporary file, so neither
    the items' files nor the ZIP are ever held in memory (only the sender register is); the view
    streams the file. `bagit.make_bag` changes the process's working directory while it runs: safe
    in a worker that serves one request at a time (gunicorn's sync workers), not beside threads that
    use relative paths.
    """
    now = now or timezone.now()
    workflow.check_complaint(complaint, workflow.Action.COMPLAINT_POLICE_REFERRAL, actor, now)
    if referral is not None and referral.complaint_id != complaint.pk:
        raise NotFound("No police referral with that id on this complaint.")
    items = threat_items(complaint=complaint, referral=referral)
    if not items.exists():
        raise ConflictError(NO_THREATS)

    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS)
    clock = police_clock(complaint=complaint, now=now)
    senders = threat_senders(complaint=complaint, evidence_ids=items.values("pk") if referral else None)
    members = sum(1 for s in senders if s["member"])
    name = police_pack_name(complaint=complaint, now=now)
    contact = _one_line(settings.CONDUCT["PARTY_CONTACT"])
    full_name = _one_line(actor.get_full_name()) or actor.get_username()
    complainant = complaint.complainant
    victim = complainant.name if complainant else complaint.complainant_name

    pack = tempfile.TemporaryFile(prefix="police-pack-", suffix=".zip")
    try:
        with tempfile.TemporaryDirectory(prefix="police-pack-") as workdir:
            bag_dir = Path(workdir) / name
            bag_dir.mkdir()
            written = _write_items(complaint, items, bag_dir)
            events = _write_audit_extract(complaint, head[0], bag_dir / "audit-extract.jsonl")
            (bag_dir / "summary.html").write_text(
                render_to_string(
                    "complaints/police/summary.html",
                    {
                        "name": name,
                        "complaint": complaint,
                        "victim": victim or "(not recorded)",
                        "contact": contact,
                        "now": now,
                        "created_by": actor.get_username(),
                        "created_by_name": full_name,
                        "clock": clock,
                        "overdue_by": timesince(clock.referral_due, now) if clock.overdue else "",
                        "due_in": timeuntil(clock.referral_due, now) if clock.running and not clock.overdue else "",
                        "referral": referral,
                        "items": written["count"],
                        "senders": len(senders),
                        "members": members,
                        "worst": senders[:10],
                        "highlights": written["highlights"],
                        "missing_native": written["missing_native"],
                        "referrals": referral_list(complaint=complaint),
                        "audit_events": events,
                        "head_seq": head[0],
                        "head_hash": head[1],
                    },
                ),
                encoding="utf-8",
            )
            bag_info = {
                "Source-Organization": contact,
                "Contact-Name": full_name,
                "External-Identifier": name,
                "External-Description": (
                    f"Police pack for complaint {complaint.reference}: {written['count']} threat items from "
                    f"{len(senders)} senders (party members among them: {members})"
                    + (f", those covered by police referral {referral.pk}" if referral else "")
                    + "; the incident log, each item's record and native file, and the complaint's audit events."
                ),
                "Bagging-Date": now.astimezone(dt.UTC).date().isoformat(),
                "Complaint-Reference": complaint.reference,
                "Police-Referral": str(referral.pk) if referral else "none (every threat item on the complaint)",
                "Threat-Items": str(written["count"]),
                "Created-At": utc_iso(now),
                "Created-By": f"{actor.get_username()} ({full_name})",
                "Audit-Head-Seq": str(head[0]),
                "Audit-Head-Hash": head[1],
                "Audit-Head-Note": (
                    "The audit log's last event before this pack was built; the audit extract stops there. "
                    "The pack's own event (complaint.police_pack) follows it and records the SHA-256 of this "
                    "bag's manifest-sha256.txt."
                ),
            }
            if actor.email:
                bag_info["Contact-Email"] = _one_line(actor.email)
            if written["missing_native"]:
                bag_info["Native-Files-Missing"] = ", ".join(str(pk) for pk in written["missing_native"])
            digest = _make_bag(bag_dir, bag_info)
            _zip(bag_dir, pack)
        size = pack.tell()
        with transaction.atomic():
            object_event(
                actor=actor,
                event=Event.COMPLAINT_POLICE_PACK,
                obj=complaint,
                data={
                    "complaint": complaint.reference,
                    "referral": referral.pk if referral else None,
                    "items": written["count"],
                    "manifest_sha256": digest,
                    "bytes": size,
                },
            )
    except BaseException:
        pack.close()
        raise
    pack.seek(0)
    return pack, digest
