"""Uploads past the synchronous limits: kept in storage, read by a background job (202), and
followed at /api/jobs/{id}/. The limits are lowered so that the files stay small."""

import json
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from audit.models import AuditEvent
from complaints.models import Evidence, EvidenceFile, UploadJob
from complaints.services.evidence import jobs
from tests.complaints.factories import ComplaintFactory
from tests.complaints.test_api_evidence_email import mbox, message, zipped
from tests.complaints.test_api_evidence_upload import item
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits():
    with override_settings(CONDUCT={**settings.CONDUCT, "EVIDENCE_MAX_ITEMS": 3, "EVIDENCE_MAX_BYTES": 100_000}):
        yield


@pytest.fixture
def complaint():
    return ComplaintFactory()


@pytest.fixture
def owner(client_for, complaint):
    return client_for(complaint.filed_by)


def post(client, complaint, data: bytes, name: str, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    path = f"/api/complaints/{complaint.reference}/evidence/" + (f"?{query}" if query else "")
    return client.post(path, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def as_csv(rows):
    lines = ["channel,author_handle,text,url,occurred_at"]
    lines += [f"{r['channel']},{r['author_handle']},{r['text']},{r['url']},{r['occurred_at']}" for r in rows]
    return ("\n".join(lines) + "\n").encode()


def as_ndjson(rows):
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def as_json(rows):
    return json.dumps(rows, indent=1).encode()


CALL_LOG = "Caller ID,Call Start,Duration,Direction,Result,Notes\n" + "".join(
    f"07700 900{n:03d},30/06/2016 12:{n:02d},0:01:0{n % 10},Inbound,Answered,call {n}\n" for n in range(6)
)

UPLOADS = {
    "json": (lambda: as_json([item(n) for n in range(6)]), "items.json", {}),
    "csv": (lambda: as_csv([item(n) for n in range(6)]), "items.csv", {}),
    "ndjson": (lambda: as_ndjson([item(n) for n in range(6)]), "items.ndjson", {}),
    "mbox": (lambda: mbox(*(message(n) for n in range(1, 7))), "inbox.mbox", {}),
    "zip": (lambda: zipped({f"m{n}.eml": message(n) for n in range(1, 7)}), "mail.zip", {}),
    "call log": (lambda: CALL_LOG.encode(), "calls.csv", {"mapping": "office-phone-uk"}),
}


def start(client, complaint, data, name, capture, **params):
    """Post a file past the limits and run its job (in-process, after commit); the 202 body."""
    with capture(execute=True):
        response = post(client, complaint, data, name, **params)
    assert response.status_code == 202, response.json()
    return response.json()


@pytest.mark.parametrize("kind", list(UPLOADS))
def test_each_format_past_the_item_limit_is_read_by_a_job(kind, owner, complaint, django_capture_on_commit_callbacks):
    data, name, params = UPLOADS[kind]
    body = start(owner, complaint, data(), name, django_capture_on_commit_callbacks, **params)
    assert set(body) == {"job", "status_url"}
    assert body["status_url"] == f"/api/jobs/{body['job']}/"
    job = owner.get(body["status_url"]).json()
    assert job == {
        "status": "done",
        "progress": {"done": 6, "total": 6},
        "result": {"received": 6, "created": 6, "duplicates": 0, "rejected": [], "threats": 0},
    }
    assert Evidence.objects.filter(complaint=complaint).count() == 6
    assert not default_storage.exists(UploadJob.objects.get().path)  # the upload is gone once read


def test_a_file_past_the_byte_limit_is_read_by_a_job_and_emails_keep_their_native_files(
    owner, complaint, django_capture_on_commit_callbacks
):
    data = mbox(message(1, body="x" * 60_000), message(2, body="y" * 60_000))
    with override_settings(CONDUCT={**settings.CONDUCT, "EVIDENCE_MAX_BYTES": 50_000}):
        body = start(owner, complaint, data, "inbox.mbox", django_capture_on_commit_callbacks)
    assert owner.get(body["status_url"]).json()["result"]["created"] == 2
    assert EvidenceFile.objects.filter(evidence__complaint=complaint).count() == 2


def test_a_job_is_queued_until_it_runs_then_done(owner, complaint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(owner, complaint, as_ndjson([item(n) for n in range(7)]), "items.ndjson")
    assert response.status_code == 202
    status_url = response.json()["status_url"]
    assert owner.get(status_url).json() == {"status": "queued", "progress": {"done": 0, "total": None}, "result": None}
    assert Evidence.objects.count() == 0
    for callback in callbacks:
        callback()
    assert owner.get(status_url).json()["status"] == "done"


def test_progress_is_committed_every_chunk_while_running(owner, complaint, django_capture_on_commit_callbacks):
    seen = []
    real = jobs._progress

    def spy(job, done, total=None):
        real(job, done, total)
        stored = UploadJob.objects.get(pk=job.pk)
        seen.append((stored.status, stored.done, stored.total))

    with mock.patch.object(jobs, "CHUNK_ROWS", 2), mock.patch.object(jobs, "_progress", spy):
        start(owner, complaint, as_ndjson([item(n) for n in range(5)]), "x.ndjson", django_capture_on_commit_callbacks)
    assert seen == [("running", 2, None), ("running", 4, None), ("running", 5, 5)]


def test_strict_job_with_a_bad_row_fails_stores_nothing_and_lists_the_rows(
    owner, complaint, django_capture_on_commit_callbacks
):
    rows = [item(n) for n in range(5)] + [item(5, channel="pigeon")]
    body = start(owner, complaint, as_csv(rows), "items.csv", django_capture_on_commit_callbacks)
    job = owner.get(body["status_url"]).json()
    assert job["status"] == "failed"
    assert job["result"]["detail"] == "1 row(s) are invalid; nothing was stored."
    assert [r["row"] for r in job["result"]["rejected"]] == [6]
    assert Evidence.objects.count() == 0


def test_a_file_error_fails_the_job_in_words(owner, complaint, django_capture_on_commit_callbacks):
    data = as_json([item(n) for n in range(6)])[:-20]  # cut off inside the array
    body = start(owner, complaint, data, "items.json", django_capture_on_commit_callbacks)
    job = owner.get(body["status_url"]).json()
    assert job["status"] == "failed" and job["result"]["detail"].startswith("JSON parse error")
    assert Evidence.objects.count() == 0


def test_a_failure_while_storing_rolls_back_every_batch(owner, complaint, django_capture_on_commit_callbacks):
    real = jobs.evidence_ingest
    calls = []

    def second_batch_breaks(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    with mock.patch.object(jobs, "CHUNK_ROWS", 2), mock.patch.object(jobs, "evidence_ingest", second_batch_breaks):
        body = start(
            owner, complaint, as_ndjson([item(n) for n in range(5)]), "x.ndjson", django_capture_on_commit_callbacks
        )
    job = owner.get(body["status_url"]).json()
    assert len(calls) == 2
    assert job["status"] == "failed"
    assert job["result"]["detail"] == "The upload could not be stored (RuntimeError); nothing was stored."
    assert Evidence.objects.count() == 0


def test_lenient_job_stores_the_good_rows_and_lists_the_bad_by_position(
    owner, complaint, django_capture_on_commit_callbacks
):
    raws = [message(1), message(2, date=None), message(3), message(4), message(5, date=None)]
    body = start(owner, complaint, mbox(*raws), "inbox.mbox", django_capture_on_commit_callbacks, skip_invalid="true")
    result = owner.get(body["status_url"]).json()["result"]
    assert (result["received"], result["created"]) == (5, 3)
    assert [r["row"] for r in result["rejected"]] == [2, 5]
    assert Evidence.objects.filter(complaint=complaint).count() == 3


def test_a_job_run_again_stores_nothing_twice(owner, complaint, django_capture_on_commit_callbacks):
    body = start(owner, complaint, as_csv([item(n) for n in range(6)]), "items.csv", django_capture_on_commit_callbacks)
    events = AuditEvent.objects.count()
    jobs.upload_job_run(job_id=body["job"])  # a redelivered task
    assert Evidence.objects.count() == 6
    assert AuditEvent.objects.count() == events
    assert owner.get(body["status_url"]).json()["result"]["created"] == 6


def test_a_job_interrupted_while_running_starts_over_and_stores_once(
    owner, complaint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job_id = post(owner, complaint, as_csv([item(n) for n in range(6)]), "items.csv").json()["job"]
    UploadJob.objects.filter(pk=job_id).update(status=UploadJob.Status.RUNNING, done=4)  # a worker died here
    jobs.upload_job_run(job_id=job_id)
    jobs.upload_job_run(job_id=job_id)
    assert UploadJob.objects.get(pk=job_id).status == UploadJob.Status.DONE
    assert Evidence.objects.count() == 6


def test_the_same_mbox_twice_through_jobs_creates_nothing_new(owner, complaint, django_capture_on_commit_callbacks):
    data = mbox(*(message(n) for n in range(1, 7)))
    start(owner, complaint, data, "inbox.mbox", django_capture_on_commit_callbacks)
    body = start(owner, complaint, data, "inbox.mbox", django_capture_on_commit_callbacks)
    assert owner.get(body["status_url"]).json()["result"]["duplicates"] == 6
    assert Evidence.objects.count() == 6


def test_only_the_creator_and_officers_read_a_job(client_for, owner, complaint, django_capture_on_commit_callbacks):
    IdentityFactory(member=MemberFactory(), kind="handle", value="sender1")
    body = start(owner, complaint, as_csv([item(n) for n in range(6)]), "items.csv", django_capture_on_commit_callbacks)
    url = body["status_url"]
    assert "attributed" not in owner.get(url).json()["result"]
    officer_view = client_for(UserFactory(roles=["officer"])).get(url)
    assert officer_view.status_code == 200 and officer_view.json()["result"]["attributed"] == 1
    assert client_for(MemberFactory(with_login=True).user).get(url).status_code == 404
    assert client_for(UserFactory(roles=["auditor"])).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401
    assert owner.get(f"/api/jobs/{uuid.uuid4()}/").status_code == 404


def test_a_single_email_past_the_limit_is_413(owner, complaint):
    with override_settings(CONDUCT={**settings.CONDUCT, "EVIDENCE_MAX_BYTES": 1000}):
        response = post(owner, complaint, message(1, body="z" * 5000), "one.eml")
    assert response.status_code == 413
    assert "read whole" in response.json()["detail"]
    assert UploadJob.objects.count() == 0


def test_a_file_past_the_background_limit_is_413(owner, complaint):
    with override_settings(CONDUCT={**settings.CONDUCT, "EVIDENCE_MAX_BYTES": 100, "EVIDENCE_JOB_MAX_BYTES": 1000}):
        response = post(owner, complaint, as_csv([item(n) for n in range(60)]), "items.csv")
    assert response.status_code == 413
    assert UploadJob.objects.count() == 0


def test_a_json_body_past_the_item_limit_stays_413(owner, complaint):
    response = owner.post(
        f"/api/complaints/{complaint.reference}/evidence/", [item(n) for n in range(6)], format="json"
    )
    assert response.status_code == 413
