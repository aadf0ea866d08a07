"""AuditedModelAdmin (audit/mixins.py): each add, change and delete through the admin writes one event with it."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from audit.models import AuditEvent
from conduct.models import Category, IndicatorPhrase

pytestmark = pytest.mark.django_db


def phrase(text: str) -> IndicatorPhrase:
    return IndicatorPhrase.objects.create(text=text, category=Category.objects.order_by("pk").first())


def deletions() -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(action="record.delete").values_list("object_id", "data__name"))


def test_deleting_one_record_from_its_delete_page_writes_its_event_and_log_entry(admin_client):
    doomed = phrase("go back where you came from")
    name = str(doomed)
    response = admin_client.post(reverse("admin:conduct_indicatorphrase_delete", args=[doomed.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not IndicatorPhrase.objects.filter(pk=doomed.pk).exists()
    assert deletions() == [(str(doomed.pk), name)]
    assert LogEntry.objects.filter(action_flag=DELETION, object_id=str(doomed.pk)).count() == 1


def test_a_bulk_delete_writes_one_event_and_log_entry_per_record(admin_client):
    doomed = [phrase("traitor"), phrase("scab")]
    response = admin_client.post(
        reverse("admin:conduct_indicatorphrase_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    assert not IndicatorPhrase.objects.filter(pk__in=[p.pk for p in doomed]).exists()
    assert sorted(deletions()) == sorted((str(p.pk), str(p)) for p in doomed)
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 2


def test_changing_a_record_names_the_changed_fields(admin_client):
    kept = phrase("enemy within")
    url = reverse("admin:conduct_indicatorphrase_change", args=[kept.pk])
    data = {"category": kept.category_id, "kind": kept.kind, "text": "the enemy within", "severity": ""}
    response = admin_client.post(url, {**data, "active": "on"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="record.change")
    assert (event.object_id, event.data["via"], event.data["fields"]) == (str(kept.pk), "admin", ["Text"])
