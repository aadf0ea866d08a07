"""Bulk uploads past the synchronous limits: the file is kept in storage and read by a background task.

The task reads the file once as a stream, checking every row with the one validator and
writing the valid ones, a chunk at a time, to a private spill file (so memory holds one
chunk, whatever the file's size); `done` counts the rows read and checked. Then every
chunk is stored in ONE transaction that also marks the job done: a job that fails, or a
worker killed midway, stores nothing, and a job run again after it finished finds it
done and stores nothing twice (the content-hash dedupe would also skip every item).
"""

import hashlib
import logging
import pickle
import tempfile
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import APIException

from audit.events import Event
from audit.services import audit_record
from complaints.models import Complaint, UploadJob
from complaints.services.evidence.ingest import (
    IngestResult,
    evidence_ingest,
    evidence_may_add,
    evidence_threats_alert,
)
from core import roles
from core.errors import DomainError
from core.tasks import broker_configured, enqueue, task
from core.throttling import spend_budget

log = logging.getLogger(__name__)

# Rows checked between two progress updates, and items per stored batch.
CHUNK_ROWS = 5000


def upload_job_create(*, complaint: Complaint, actor, source, skip_invalid: bool) -> UploadJob:
    """Keep an upload's file in storage (streamed, never read whole) and start reading it in the
    background; the owner or an officer, on an open complaint. `source` is an `intake.FileUpload`."""
    evidence_may_add(complaint=complaint, actor=actor)
    job_id = uuid.uuid4()
    # Storage copies the file a chunk at a time (or moves the upload's temporary file).
    path = default_storage.save(f"evidence-uploads/{job_id}/upload", source.file)
    job = UploadJob.objects.create(
        id=job_id,
        complaint=complaint,
        created_by=actor,
        path=path,
        name=(source.name or "")[:255],
        size=source.size,
        format=source.format,
        mapping=source.mapping,
        owner_id=source.owner_id,
        skip_invalid=skip_invalid,
    )
    enqueue(upload_job_run_task, job_id=str(job.pk))
    return job


@task
def upload_job_run_task(*, job_id: str) -> None:
    upload_job_run(job_id=job_id)


def upload_job_run(*, job_id: str) -> None:
    """Read, check and store one upload job; safe to run again (a finished job is left as it is, an
    interrupted one starts over, as it stored nothing)."""
    job = _job_start(job_id)
    if job is None:
        return
    try:
        _job_work(job)
    except (DomainError, APIException) as exc:
        _job_fail(job, _words(exc))
    except Exception as exc:
        if broker_configured():
            raise  # retried by the queue with backoff; nothing was stored
        log.exception("upload job %s failed", job.pk)
        _job_fail(job, f"The upload could not be stored ({type(exc).__name__}); nothing was stored.")


def _job_start(job_id: str) -> UploadJob | None:
    with transaction.atomic():
        job = UploadJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        job.status, job.done, job.total = UploadJob.Status.RUNNING, 0, None
        job.save(update_fields=["status", "done", "total"])
    return job


def _words(exc) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    detail = exc.detail
    if isinstance(detail, dict):
        detail = detail.get("detail", detail)
    if isinstance(detail, list):
        detail = " ".join(str(d) for d in detail)
    return str(detail)


def _job_fail(job: UploadJob, reason: str, result: dict | None = None) -> None:
    with transaction.atomic():
        job = UploadJob.objects.select_for_update().get(pk=job.pk)
        if job.finished:
            return
        job.status = UploadJob.Status.FAILED
        job.error = reason
        job.result = result or {"detail": reason}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "result", "finished_at"])
        transaction.on_commit(lambda: default_storage.delete(job.path))


class _StoredUpload(File):
    """A stored upload, read as the request's uploaded file would be (with its path, when storage has one)."""

    def __init__(self, file, name, local_path):
        super().__init__(file, name)
        self._local_path = local_path
        if local_path:
            self.temporary_file_path = lambda: self._local_path


@contextmanager
def _stored_source(job: UploadJob):
    from complaints.api.intake import FileUpload  # the readers, shared with the synchronous path

    try:
        local_path = default_storage.path(job.path)
    except NotImplementedError:  # object storage: the readers copy what they need to a temporary file
        local_path = None
    with default_storage.open(job.path, "rb") as stored:
        upload = _StoredUpload(stored.file, job.name, local_path)
        yield FileUpload(upload, job.name, job.size, job.format, mapping=job.mapping, owner_id=job.owner_id)


def _progress(job: UploadJob, done: int, total: int | None = None) -> None:
    UploadJob.objects.filter(pk=job.pk, status=UploadJob.Status.RUNNING).update(done=done, total=total)


def _job_work(job: UploadJob) -> None:
    from complaints.api.intake import validate_rows_iter

    rejected: list[dict] = []
    received = 0
    with tempfile.TemporaryFile() as spill:
        chunk: list[dict] = []
        with _stored_source(job) as source:
            for number, item, errors in validate_rows_iter(_rows(source)):
                received += 1
                if errors:
                    rejected.append({"row": number, "errors": errors})
                else:
                    chunk.append(item)
                    if len(chunk) == CHUNK_ROWS:
                        pickle.dump(chunk, spill, protocol=pickle.HIGHEST_PROTOCOL)
                        chunk = []
                if received % CHUNK_ROWS == 0:
                    _progress(job, received)
        if chunk:
            pickle.dump(chunk, spill, protocol=pickle.HIGHEST_PROTOCOL)
        del chunk
        _progress(job, received, received)
        actor = job.created_by
        if not bool(roles.user_roles(actor) & set(roles.STAFF_ROLES)):
            spend_budget(f"evidence-items:{actor.pk}", received, settings.CONDUCT["MEMBER_UPLOAD_ITEMS_PER_HOUR"])
        if rejected and not job.skip_invalid:
            reason = f"{len(rejected)} row(s) are invalid; nothing was stored."
            body = {
                "detail": reason,
                **IngestResult(received=received, rejected=rejected).as_dict(),
            }
            _job_fail(job, reason, body)
            return
        spill.seek(0)
        _job_store(job, spill, received=received, rejected=rejected)


def _rows(source):
    from complaints.api.intake import file_rows

    return file_rows(source, stream_json=True)


def _spilled(spill):
    while True:
        try:
            yield pickle.load(spill)  # noqa: S301 - our own spill file, written above in this run
        except EOFError:
            return


@transaction.atomic
def _job_store(job: UploadJob, spill, *, received: int, rejected: list) -> None:
    """Every valid row, in batches, and the job marked done: one transaction, so all or nothing."""
    job = UploadJob.objects.select_for_update().get(pk=job.pk)
    if job.finished:  # another run of this job got here first
        return
    complaint = Complaint.objects.select_for_update().get(pk=job.complaint_id)
    actor = job.created_by
    evidence_may_add(complaint=complaint, actor=actor)
    now = timezone.now()
    digest = hashlib.sha256()
    total = IngestResult(received=received, rejected=rejected)
    for items in _spilled(spill):
        part = evidence_ingest(
            complaint=complaint, items=items, actor=actor, now=now, audit=False, alert=False, digest=digest
        )
        total.created += part.created
        total.duplicates += part.duplicates
        total.attributed += part.attributed
        total.threats += part.threats
        total.cases_opened += part.cases_opened
    if total.threats:
        evidence_threats_alert(complaint=complaint, now=now)
    total.digest = digest.hexdigest()
    audit_record(
        actor=actor,
        action=Event.EVIDENCE_INGEST,
        obj=complaint,
        data={
            **{k: v for k, v in total.as_dict().items() if k != "rejected"},
            "rejected": len(rejected),
            "digest": total.digest,
            "job": str(job.pk),
        },
    )
    job.status = UploadJob.Status.DONE
    job.result = total.as_dict()
    job.finished_at = now
    job.save(update_fields=["status", "result", "finished_at"])
    transaction.on_commit(lambda: default_storage.delete(job.path))
