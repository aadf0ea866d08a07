"""Taking a batch of evidence rows in: deduplicate, attribute, flag (against the complaint's target), group into
campaigns, insert, audit."""

import hashlib
import json
import operator
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from audit.events import Event
from audit.services import audit_record
from complaints.models import Complaint, Evidence, EvidenceFile
from complaints.services.alerts import threats_alert
from complaints.services.evidence.attribution import THREAT, cases_for_members, cases_refresh, members_for_senders
from complaints.services.evidence.campaigns import campaigns_detect
from complaints.services.evidence.rows import CHUNK, canonical_url, content_hash, sender_key, text_signature
from conduct.detection import Detector, Target
from conduct.models import Severity
from core import roles
from core.errors import ConflictError, PermissionDenied
from core.tasks import enqueue


def complaint_target(complaint: Complaint) -> Target:
    """Whom the complaint's evidence is aimed at, as the detector reads it: its target names and pronouns."""
    return Target.of(complaint.target_names, complaint.target_pronouns)


@dataclass
class IngestResult:
    received: int = 0
    created: int = 0
    duplicates: int = 0
    attributed: int = 0
    threats: int = 0
    cases_opened: int = 0
    rejected: list = field(default_factory=list)
    digest: str = ""

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "created": self.created,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "attributed": self.attributed,
            "threats": self.threats,
            "cases_opened": self.cases_opened,
        }


def evidence_ingest(
    *,
    complaint: Complaint,
    items: list[dict],
    actor,
    now=None,
    audit: bool = True,
    rejected: list | None = None,
    alert: bool = True,
    digest=None,
) -> IngestResult:
    """Store valid evidence items on a complaint (caller holds a transaction and the complaint lock).

    Duplicates, within the batch and against what the complaint holds, are counted and
    skipped. Senders are attributed to members and each member sender's case is opened
    or reused. One audit event records the batch with its counts and a digest. A caller
    storing one upload as several batches passes `audit=False`, `alert=False` and one
    running `digest` (a hashlib sha256), then audits and alerts once (`evidence_threats_alert`).
    """
    now = now or timezone.now()
    rejected = rejected or []
    result = IngestResult(received=len(items) + len(rejected), rejected=rejected)
    digest = digest if digest is not None else hashlib.sha256()
    prepared = []
    seen = set()
    # A wave repeats its senders and texts many times over: normalise each once per batch.
    keys_by_sender: dict[tuple, str] = {}
    for item in items:
        sender = (
            item.get("channel", ""),
            item.get("author_handle"),
            item.get("author_email"),
            item.get("author_phone"),
            item.get("author_account"),
        )
        key = keys_by_sender.get(sender)
        if key is None:
            key = keys_by_sender[sender] = sender_key(item)
        url_c = canonical_url(item.get("url", ""))
        h = content_hash(item, key, url_c)
        digest.update(h.encode())
        if h in seen:
            result.duplicates += 1
            continue
        seen.add(h)
        prepared.append((item, key, url_c, h))
    hashes = [p[3] for p in prepared]
    existing = set()
    if hashes and Evidence.objects.filter(complaint=complaint).exists():
        # SQLite bounds a statement's parameters (999); elsewhere fewer, larger lookups save round trips.
        batch = CHUNK if connection.features.max_query_params else 10 * CHUNK
        for i in range(0, len(hashes), batch):
            existing.update(
                Evidence.objects.filter(complaint=complaint, content_hash__in=hashes[i : i + batch]).values_list(
                    "content_hash", flat=True
                )
            )
    if existing:
        result.duplicates += sum(1 for p in prepared if p[3] in existing)
        prepared = [p for p in prepared if p[3] not in existing]
    detector = Detector.load()
    target = complaint_target(complaint)
    member_by_key = members_for_senders({p[1] for p in prepared})
    cases, result.cases_opened = cases_for_members(
        complaint=complaint, member_ids=set(member_by_key.values()), actor=actor, now=now
    )
    rows = []
    touched_cases: set[int] = set()
    signatures: dict[str, str] = {}
    for item, key, url_c, h in prepared:
        member_id = member_by_key.get(key)
        case = cases.get(member_id) if member_id else None
        if member_id:
            result.attributed += 1
        if case is not None:
            touched_cases.add(case.pk)
        text = item.get("text", "")
        categories, severity = detector.flag(text, target)
        threat = THREAT in categories
        result.threats += threat
        signature = signatures.get(text)
        if signature is None:
            signature = signatures[text] = text_signature(text)
        rows.append(
            {
                "complaint_id": complaint.pk,
                "case_id": case.pk if case is not None else None,
                "member_id": member_id,
                "channel": item["channel"],
                "author_handle": item.get("author_handle", ""),
                "author_name": item.get("author_name", ""),
                "author_email": item.get("author_email", ""),
                "author_phone": item.get("author_phone", ""),
                "author_account": item.get("author_account", ""),
                "sender_key": key,
                "url": item.get("url", ""),
                "url_canonical": url_c,
                "text": text,
                "occurred_at": item["occurred_at"],
                "content_hash": h,
                "signature": signature,
                "categories": categories,
                "severity": severity or Severity.LOW,
                "threat": threat,
                "threat_since": now if threat else None,
                "machine_categories": categories,
                "machine_threat": threat,
                "classification_reason": "",
                "campaign_id": None,
            }
        )
    for index, campaign in campaigns_detect(complaint=complaint, incoming=rows).items():
        rows[index]["campaign_id"] = campaign.pk
    evidence_insert(rows)
    result.created = len(rows)
    natives = [(p[3], p[0]["native"]) for p in prepared if p[0].get("native") is not None]
    if natives:
        evidence_natives_store(complaint=complaint, natives=natives, actor=actor)
    if result.threats and alert:
        evidence_threats_alert(complaint=complaint, now=now)
    cases_refresh(case_ids=touched_cases, now=now)
    result.digest = digest.hexdigest()
    if audit:
        audit_record(
            actor=actor,
            action=Event.EVIDENCE_INGEST,
            obj=complaint,
            data={
                **{k: v for k, v in result.as_dict().items() if k != "rejected"},
                "rejected": len(result.rejected),
                "digest": result.digest,
            },
        )
    return result


def evidence_threats_alert(*, complaint: Complaint, now) -> None:
    """Alert the officers on duty, on commit, to the threats an upload stored at `now`."""
    # The insert returns no ids: the upload's threats are the complaint's threats held since `now`.
    found = Evidence.objects.filter(complaint=complaint, threat=True, threat_since=now).order_by("pk")
    found_ids = list(found.values_list("pk", flat=True))
    if found_ids:
        enqueue(threats_alert, complaint_id=complaint.pk, evidence_ids=found_ids, found_by="intake")


_PLAIN_COLUMNS = (
    "complaint_id",
    "case_id",
    "member_id",
    "channel",
    "author_handle",
    "author_name",
    "author_email",
    "author_phone",
    "author_account",
    "sender_key",
    "url",
    "url_canonical",
    "text",
    "content_hash",
    "signature",
    "severity",
    "threat",
    "machine_threat",
    "classification_reason",
    "campaign_id",
)


_ADAPTED_COLUMNS = ("occurred_at", "threat_since", "categories", "machine_categories", "created_at", "attachment")


def evidence_insert(rows: list[dict]) -> None:
    """Write checked evidence rows (dicts keyed by attribute name) as one stream: COPY on
    PostgreSQL, one executemany elsewhere.

    bulk_create would send every value of every row through its field's preparation (half
    a million calls for a 25,000-item wave), costing more than all the checking,
    normalising and flagging put together. These values are plain strings, numbers and
    ids already, so only the date-times go through the backend's adapter and the JSON list
    is written as JSON text, as JSONField does. No model signals are sent (none listen for
    Evidence).
    """
    if not rows:
        return
    ops = connection.ops
    encoder = Evidence._meta.get_field("categories").encoder
    created_at = ops.adapt_datetimefield_value(timezone.now())  # as auto_now_add would
    adapt_time = ops.adapt_datetimefield_value
    as_json: dict[tuple, str] = {}
    plain = operator.itemgetter(*_PLAIN_COLUMNS)
    values = []
    for row in rows:
        categories = tuple(row["categories"])
        if categories not in as_json:
            as_json[categories] = json.dumps(list(categories), cls=encoder)
        # No attachment: the ORM writes an empty FileField as "".
        since = adapt_time(row["threat_since"]) if row["threat_since"] else None
        machine = tuple(row["machine_categories"])
        if machine not in as_json:
            as_json[machine] = json.dumps(list(machine), cls=encoder)
        values.append(
            (*plain(row), adapt_time(row["occurred_at"]), since, as_json[categories], as_json[machine], created_at, "")
        )
    column_of = {f.attname: f.column for f in Evidence._meta.concrete_fields}
    table = ops.quote_name(Evidence._meta.db_table)
    columns = ", ".join(ops.quote_name(column_of[name]) for name in _PLAIN_COLUMNS + _ADAPTED_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            placeholders = ", ".join(["%s"] * (len(_PLAIN_COLUMNS) + len(_ADAPTED_COLUMNS)))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def evidence_natives_store(*, complaint: Complaint, natives: list[tuple[str, object]], actor) -> None:
    """Keep each new item's native file (an e-mail's raw message) through storage, with its SHA-256:
    one query for the items' ids, one insert for the file rows, however many items."""
    ids = {}
    batch = CHUNK if connection.features.max_query_params else 10 * CHUNK
    hashes = [h for h, _ in natives]
    for i in range(0, len(hashes), batch):
        ids.update(
            Evidence.objects.filter(complaint=complaint, content_hash__in=hashes[i : i + batch]).values_list(
                "content_hash", "pk"
            )
        )
    files = []
    for h, native in natives:
        record = EvidenceFile(
            evidence_id=ids[h],
            name=native.name,
            content_type=native.content_type,
            size=len(native.data),
            sha256=hashlib.sha256(native.data).hexdigest(),
            uploaded_by=actor,
        )
        record.file.save(native.name, ContentFile(native.data), save=False)
        files.append(record)
    EvidenceFile.objects.bulk_create(files, batch_size=CHUNK)


def evidence_may_add(*, complaint: Complaint, actor) -> None:
    """Only the complainant or an officer adds evidence, and only to a complaint still open (409, 403)."""
    if complaint.status == Complaint.Status.CLOSED:
        raise ConflictError("The complaint is closed; open a new one for new evidence.")
    if complaint.filed_by_id != actor.pk and not roles.has_role(actor, roles.OFFICER):
        raise PermissionDenied("Only the complainant or an officer can add evidence.")


@transaction.atomic
def evidence_upload(*, complaint: Complaint, items: list[dict], rejected: list[dict], actor, now=None) -> IngestResult:
    """Store a validated bulk upload on a complaint (the owner or an officer), as one audited batch."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    evidence_may_add(complaint=complaint, actor=actor)
    result = evidence_ingest(complaint=complaint, items=items, actor=actor, now=now, rejected=rejected)
    return result
