"""Native files of evidence items (screenshots, recordings, PDFs, e-mails) and call-log column mappings."""

import hashlib
import zoneinfo

from django.conf import settings
from django.db import transaction

from audit.events import Event, object_event
from complaints.models import Complaint, Evidence, EvidenceFile, EvidenceMapping
from core import roles
from core.errors import ConflictError, PermissionDenied, ValidationError

# (content type, test of the first bytes): the type is read from the content, never the name.
_SIGNATURES = (
    ("image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("image/gif", lambda h: h.startswith((b"GIF87a", b"GIF89a"))),
    ("image/webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    ("application/pdf", lambda h: h.startswith(b"%PDF-")),
    ("audio/wav", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE"),
    ("audio/ogg", lambda h: h.startswith(b"OggS")),
    ("audio/mpeg", lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0)),
    ("audio/mp4", lambda h: h[4:12] in (b"ftypM4A ", b"ftypM4B ")),
    ("video/mp4", lambda h: h[4:8] == b"ftyp"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The type of a native file from its first bytes; None for anything not accepted."""
    for content_type, matches in _SIGNATURES:
        if matches(head):
            return content_type
    from complaints.api.intake import detect_format  # the one rule for what an e-mail looks like

    if detect_format(head[:4096], "") == "eml":
        return "message/rfc822"
    return None


def may_add_evidence(complaint: Complaint, actor) -> bool:
    """Evidence and its files are added by the complaint's owner or an officer."""
    return complaint.filed_by_id == actor.pk or roles.has_role(actor, roles.OFFICER)


@transaction.atomic
def evidence_file_attach(*, evidence: Evidence, upload, actor) -> EvidenceFile:
    """Keep a native file with an item (the complaint's owner or an officer): its type read from the
    content, its size within the limit, its SHA-256 recorded; never altered or replaced. Audited."""
    complaint = Complaint.objects.select_for_update().get(pk=evidence.complaint_id)
    if not may_add_evidence(complaint, actor):
        raise PermissionDenied("Only the complainant or an officer can add files to evidence.")
    if complaint.status == Complaint.Status.CLOSED:
        raise ConflictError("The complaint is closed; open a new one for new evidence.")
    limit = settings.CONDUCT["EVIDENCE_FILE_MAX_BYTES"]
    if upload.size > limit:
        raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MiB.", field="file")
    head = upload.read(4096)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            "The file's content is not an accepted type (PNG, JPEG, GIF, WebP, PDF, MP3, WAV, OGG, M4A/MP4 "
            "or an e-mail).",
            field="file",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record = EvidenceFile(
        evidence=evidence,
        name=(upload.name or "file")[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    record.file.save(upload.name or "file", upload, save=False)
    record.save()
    object_event(
        actor=actor,
        event=Event.EVIDENCE_FILE_ATTACH,
        obj=complaint,
        data={"evidence": evidence.pk, "file": record.pk, "sha256": record.sha256, "size": record.size},
    )
    return record


@transaction.atomic
def evidence_file_read(*, record: EvidenceFile, actor, via: str = "api") -> None:
    """Record that `actor` downloaded a native file (whoever they are)."""
    object_event(
        actor=actor,
        event=Event.EVIDENCE_FILE_READ,
        obj=record.evidence.complaint,
        data={"evidence": record.evidence_id, "file": record.pk, "sha256": record.sha256, "via": via},
    )


@transaction.atomic
def evidence_mapping_create(*, actor, **fields) -> EvidenceMapping:
    """Save a call-log column mapping (officers); its time zone must be one the zone database knows."""
    if EvidenceMapping.objects.filter(name=fields["name"]).exists():
        raise ValidationError("A mapping with this name exists; mappings are not replaced.", field="name")
    try:
        zoneinfo.ZoneInfo(fields.get("time_zone") or "Europe/London")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Not a time zone name (e.g. Europe/London).", field="time_zone") from None
    mapping = EvidenceMapping.objects.create(created_by=actor, **fields)
    object_event(actor=actor, event=Event.EVIDENCE_MAPPING_SAVE, obj=mapping, data=mapping.columns())
    return mapping
