"""The admin's evidence upload on a complaint's page: officers only, read by the same background job,
followed by a page whose progress bar polls the job."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Evidence, UploadJob
from tests.complaints.factories import ComplaintFactory
from tests.complaints.test_api_evidence_email import mbox, message
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint():
    return ComplaintFactory()


def upload_page(complaint):
    return reverse("admin:complaints_complaint_upload", args=[complaint.pk])


def test_an_officer_uploads_from_the_complaints_page_and_follows_the_job(
    client, officer, complaint, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert upload_page(complaint) in page
    assert client.get(upload_page(complaint)).status_code == 200
    data = mbox(message(1), message(2), message(3, date=None))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            upload_page(complaint), {"file": SimpleUploadedFile("inbox.mbox", data), "skip_invalid": "on"}
        )
    job = UploadJob.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("admin:complaints_complaint_upload_job", args=[complaint.pk, job.pk])
    progress = client.get(answer["Location"])
    assert progress.status_code == 200
    assert progress.context["status_url"] == f"/api/jobs/{job.pk}/"
    assert 'id="job-progress"' in progress.content.decode()
    polled = client.get(progress.context["status_url"]).json()  # what the page's script polls
    assert polled["status"] == "done"
    assert (polled["result"]["created"], [r["row"] for r in polled["result"]["rejected"]]) == (2, [3])
    assert Evidence.objects.filter(complaint=complaint).count() == 2


def test_a_file_that_is_not_its_claimed_format_is_refused_on_the_form(client, officer, complaint):
    client.force_login(officer)
    answer = client.post(upload_page(complaint), {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n"), "format": "mbox"})
    assert answer.status_code == 200
    assert answer.context["form"].errors["file"] == ["The file's content is not mbox (it reads as csv)."]
    assert UploadJob.objects.count() == 0


def test_staff_who_are_not_officers_get_no_upload(client, complaint):
    auditor = UserFactory(roles=["auditor"])
    client.force_login(auditor)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert upload_page(complaint) not in page
    assert client.get(upload_page(complaint)).status_code == 403
    answer = client.post(upload_page(complaint), {"file": SimpleUploadedFile("inbox.mbox", mbox(message(1)))})
    assert answer.status_code == 403
    assert UploadJob.objects.count() == 0
