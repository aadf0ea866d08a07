"""The threat register and the corrections in the admin: the same services, the same refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints.models import ConflictDeclaration, Evidence, PoliceReferral
from complaints.services.evidence import evidence_upload
from tests.complaints.factories import ComplaintFactory
from tests.complaints.test_threats_and_police import THREAT, row
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    complaint = ComplaintFactory()
    member = MemberFactory()
    IdentityFactory(member=member, platform="twitter", value="memberhandle")
    items = [row(1, "troll_a", THREAT, 1), row(2, "troll_a", THREAT, 2), row(3, "memberhandle", THREAT, 3)]
    items.append(row(4, "troll_b", "nice new curtains at number 14. we noticed", 4))
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by)
    return complaint


def threats_page(complaint):
    return reverse("admin:complaints_complaint_threats", args=[complaint.pk])


def messages_of(response):
    return [m.message for m in get_messages(response.wsgi_request)]


def test_the_officer_sees_the_clock_and_senders_and_records_a_referral(client, officer, wave):
    client.force_login(officer)
    page = client.get(threats_page(wave))
    assert page.status_code == 200
    text = page.content.decode()
    assert "A police-referral decision is due by" in text and "3 threat item(s) no decision covers yet" in text
    assert [s["key"] for s in page.context["senders"]] == ["handle:twitter:troll_a", "handle:twitter:memberhandle"]
    assert "not a member" in text
    answer = client.post(
        threats_page(wave),
        {"all_senders": "on", "force": "West Yorkshire Police", "unit": "CTP North East", "crime_reference": "13/1"},
    )
    assert answer.status_code == 302
    assert messages_of(answer) == ["Referral recorded; it covers 3 threat items."]
    assert PoliceReferral.objects.get(complaint=wave).evidence.count() == 3
    assert "Every threat item is covered" in client.get(threats_page(wave)).content.decode()


def test_a_referral_without_a_force_shows_the_services_words_on_the_field(client, officer, wave):
    client.force_login(officer)
    page = client.post(threats_page(wave), {"all_senders": "on"})
    assert page.status_code == 200
    assert page.context["form"].errors["force"] == [
        "Name the police force the threats were referred to, or give the reason not to refer."
    ]
    assert not PoliceReferral.objects.exists()


def test_a_conflicted_officer_finds_no_such_complaint_and_a_panel_member_no_register(client, wave, panel):
    conflicted = UserFactory(roles=["officer"])
    member = Evidence.objects.get(author_handle="memberhandle").member
    ConflictDeclaration.objects.create(user=conflicted, member=member, reason="my neighbour")
    client.force_login(conflicted)
    page = client.get(threats_page(wave))
    assert page.status_code == 302
    assert messages_of(page) == ["No such complaint, or it is outside what you may see."]
    client.post(threats_page(wave), {"all_senders": "on", "force": "Met"})
    assert not PoliceReferral.objects.exists()
    assert client.get(reverse("admin:complaints_complaint_change", args=[wave.pk])).status_code == 302
    case = wave.cases.get()
    case.panel.add(panel[0])
    client.force_login(panel[0])
    page = client.get(threats_page(wave))
    assert messages_of(page)[-1] == "Only compliance officers see the threat register."


def test_one_item_is_corrected_from_its_page(client, officer, wave):
    missed = Evidence.objects.get(author_handle="troll_b")
    client.force_login(officer)
    change = client.get(reverse("admin:complaints_evidence_change", args=[missed.pk]))
    assert 'id="classify-link"' in change.content.decode()
    url = reverse("admin:complaints_evidence_classify", args=[missed.pk])
    refused = client.post(url, {"threat": "on", "apply_classification": "1"})
    assert refused.context["form"].errors["reason"] == ["This field is required."]
    done = client.post(url, {"threat": "on", "reason": "A veiled threat to her surgery.", "apply_classification": "1"})
    assert messages_of(done) == ["Classification corrected on 1 item(s)."]
    missed.refresh_from_db()
    assert (missed.threat, missed.machine_threat, missed.classification_reason) == (
        True,
        False,
        "A veiled threat to her surgery.",
    )


def test_many_items_are_corrected_at_once_with_one_reason(client, officer, wave):
    chosen = list(Evidence.objects.filter(author_handle="troll_a").values_list("pk", flat=True))
    client.force_login(officer)
    changelist = reverse("admin:complaints_evidence_changelist")
    form = client.post(changelist, {"action": "classify_selected", "_selected_action": chosen})
    assert form.status_code == 200 and form.context["count"] == 2
    done = client.post(
        changelist,
        {
            "action": "classify_selected",
            "_selected_action": chosen,
            "categories": ["misogyny"],
            "reason": "A film quotation, posted twice.",
            "apply_classification": "1",
        },
    )
    assert done.status_code == 302
    assert set(Evidence.objects.filter(pk__in=chosen).values_list("threat", flat=True)) == {False}
    assert all(e.categories == ["misogyny"] for e in Evidence.objects.filter(pk__in=chosen))


def test_auditors_never_see_the_correction_action(client, wave):
    auditor = UserFactory(roles=["auditor"])
    client.force_login(auditor)
    page = client.get(reverse("admin:complaints_evidence_changelist"))
    assert "classify_selected" not in page.content.decode()


def test_the_register_page_offers_the_police_pack_and_it_downloads_in_the_same_session(client, officer, wave):
    client.force_login(officer)
    page = client.get(threats_page(wave))
    href = f"/api/complaints/{wave.reference}/police-pack/"
    assert f'href="{href}"' in page.content.decode()
    pack = client.get(href)
    assert pack.status_code == 200 and pack["Content-Type"] == "application/zip"


def test_a_case_page_stops_listing_the_police_deadline_once_a_complaint_referral_covers_it(client, officer, wave):
    case = wave.cases.get()
    client.force_login(officer)
    change = reverse("admin:complaints_case_change", args=[case.pk])
    assert "police referral decision due" in client.get(change).content.decode()
    client.post(threats_page(wave), {"all_senders": "on", "force": "West Yorkshire Police"})
    assert "police referral decision due" not in client.get(change).content.decode()


def test_the_evidence_list_reads_in_words_and_filters_by_sender_kind_and_campaign(client, officer, wave):
    client.force_login(officer)
    changelist = reverse("admin:complaints_evidence_changelist")
    page = client.get(changelist, {"sender_is": "not_member", "threat__exact": "1"})
    text = page.content.decode()
    assert page.status_code == 200 and "Threat of violence" in text and "not a member" in text
    assert {e.author_handle for e in page.context["cl"].result_list} == {"troll_a"}
    by_sender = client.get(changelist, {"sender_key__exact": "handle:twitter:troll_a"})
    assert by_sender.status_code == 200 and len(by_sender.context["cl"].result_list) == 2
    assert "?sender_key__exact=handle%3Atwitter%3Atroll_a" in text


def test_the_decide_page_shows_the_answer_and_the_evidence_and_marks_the_guidance_range(client, case_at, panel):
    from complaints.demo.walker import Stage

    case = case_at(Stage.PANEL, rules=["RU11"])
    client.force_login(panel[0])
    page = client.get(reverse("admin:complaints_case_action", args=[case.pk, "decide"]))
    assert page.status_code == 200
    labels = [label for label, _ in page.context["summary"]]
    assert any(label.startswith("Response") for label in labels)
    choices = [label for _, label in page.context["form"].fields["sanction_0_type"].choices]
    assert any(label.endswith("(in the guidance range)") for label in choices)
    assert any(not label.endswith("(in the guidance range)") and label != "—" for label in choices)
