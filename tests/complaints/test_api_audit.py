"""The auditors' endpoints: every sanction-register filter returns exactly its rows, bad filters are
400 naming the field, CSV exports every row, a member's history reads oldest first, and auditors
change nothing anywhere."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Appeal, Case, Complaint, InterimSuspension, Sanction
from tests.complaints.factories import AppealFactory, CaseFactory, DecisionFactory, SanctionFactory
from tests.complaints.timeline import case_event_count
from tests.conduct.factories import category, rule
from tests.members.factories import ConstituencyFactory, MemberFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


ITEM_FIELDS = {
    "id",
    "member",
    "code",
    "level",
    "case",
    "rules",
    "categories",
    "imposed_on",
    "starts_on",
    "ends_on",
    "status",
}


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_sanction(member=None, code="formal_warning", duration_days=None, rules=(), categories=(), **kwargs):
    case = CaseFactory(decided=True, **({"respondent": member} if member else {}))
    sanction = SanctionFactory(decision=DecisionFactory(case=case), code=code, duration_days=duration_days, **kwargs)
    sanction.rules.add(*[rule(c) for c in rules])
    sanction.categories.add(*[category(c) for c in categories])
    return sanction


@pytest.fixture
def register():
    """Sanctions of every status, dated so that each filter picks a known set."""
    highlands = RegionFactory(name="Highlands and Islands")
    skye = ConstituencyFactory(name="Isle of Skye", region=highlands)
    repeat = MemberFactory(constituency=skye)
    s = {
        "active": make_sanction(member=repeat, imposed_on=days(-10), rules=["RU9"], categories=["harassment"]),
        "spent": make_sanction(
            code="suspension_membership",
            duration_days=30,
            imposed_on=days(-100),
            status=Sanction.Status.SPENT,
            rules=["RU3", "RU9"],
            categories=["racism"],
        ),
        "lapsed": make_sanction(code="suspension_office", duration_days=10, imposed_on=days(-50), rules=["RU1"]),
        "overturned": make_sanction(
            member=repeat, imposed_on=days(-60), status=Sanction.Status.OVERTURNED, revoked_on=days(-30)
        ),
        "varied": make_sanction(
            code="suspension_membership",
            duration_days=90,
            imposed_on=days(-60),
            status=Sanction.Status.VARIED,
            revoked_on=days(-30),
            departed_from_guidance=True,
        ),
        "pending": make_sanction(code="expulsion", status=Sanction.Status.PENDING, imposed_on=None),
    }
    s["repeat"] = repeat
    return s


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def expect(register, *names) -> set[int]:
    return {register[n].pk for n in names}


def test_the_register_lists_every_sanction_with_the_fields_of_api_md(auditor_client, register):
    response = auditor_client.get("/api/audit/sanctions/")
    assert ids(response) == expect(register, "active", "spent", "lapsed", "overturned", "varied", "pending")
    item = next(i for i in response.json()["results"] if i["id"] == register["active"].pk)
    assert ITEM_FIELDS <= set(item)
    repeat = register["repeat"]
    assert item["member"] == {
        "membership_number": repeat.membership_number,
        "name": repeat.name,
        "constituency": "Isle of Skye",
        "region": "Highlands and Islands",
    }
    assert item["code"] == "formal_warning" and item["level"] == 2
    assert item["case"] == register["active"].case.reference
    assert item["rules"] == ["RU9"] and item["categories"] == ["harassment"]
    assert item["imposed_on"] == str(days(-10)) and item["starts_on"] == str(days(-10)) and item["ends_on"] is None
    assert item["status"] == "active"


def test_a_register_item_is_what_the_field_by_field_serialiser_gives(register):
    from rest_framework.serializers import Serializer

    from complaints import selectors
    from complaints.api.register import AuditSanctionSerializer

    serializer = AuditSanctionSerializer()
    sanctions = list(selectors.sanction_list())
    assert len(sanctions) == 6
    for sanction in sanctions:
        fast = serializer.to_representation(sanction)
        assert list(fast) == serializer.Meta.fields
        assert fast == Serializer.to_representation(serializer, sanction)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"code": "suspension_membership"}, ["spent", "varied"]),
        ({"code": "expulsion"}, ["pending"]),
        ({"rule": "RU9"}, ["active", "spent"]),
        ({"rule": "RU1"}, ["lapsed"]),
        ({"rule": "RU12"}, []),
        ({"category": "racism"}, ["spent"]),
        ({"category": "harassment"}, ["active"]),
        ({"region": "Highlands and Islands"}, ["active", "overturned"]),
        ({"constituency": "Isle of Skye"}, ["active", "overturned"]),
        ({"status": "active"}, ["active"]),
        ({"status": "spent"}, ["spent", "lapsed"]),
        ({"status": "overturned"}, ["overturned"]),
        ({"status": "varied"}, ["varied"]),
        ({"in_force_on": "D-45"}, ["lapsed", "overturned", "varied"]),
        ({"in_force_on": "D-80"}, ["spent"]),
        ({"in_force_on": "D-5"}, ["active"]),
        ({"in_force_on": "D-20"}, []),
        ({"imposed_after": "D-60", "imposed_before": "D-50"}, ["lapsed", "overturned", "varied"]),
        ({"imposed_after": "D-11"}, ["active"]),
        ({"imposed_before": "D-61"}, ["spent"]),
        ({"departed_from_guidance": "true"}, ["varied"]),
        ({"status": "active", "region": "Highlands and Islands", "rule": "RU9"}, ["active"]),
        ({"status": "overturned", "code": "suspension_membership"}, []),
    ],
)
def test_each_filter_returns_exactly_its_rows(auditor_client, register, params, expected):
    params = {k: str(days(int(v[1:]))) if v.startswith("D-") else v for k, v in params.items()}
    assert ids(auditor_client.get("/api/audit/sanctions/", params)) == expect(register, *expected)


def test_filter_by_member(auditor_client, register):
    response = auditor_client.get("/api/audit/sanctions/", {"member": register["repeat"].membership_number})
    assert ids(response) == expect(register, "active", "overturned")


def test_a_rule_matching_two_rules_of_a_sanction_lists_it_once(auditor_client):
    sanction = make_sanction(rules=["RU2", "RU3"])
    make_sanction(rules=["RU2"])
    response = auditor_client.get("/api/audit/sanctions/", {"rule": "RU3"})
    assert ids(response) == {sanction.pk}
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    "field, value",
    [
        ("member", "X0000000"),
        ("code", "public_flogging"),
        ("rule", "RU99"),
        ("category", "rudeness"),
        ("region", "Atlantis"),
        ("constituency", "Nowhere North"),
        ("status", "forgotten"),
    ],
)
def test_an_unknown_filter_value_is_400_naming_the_field(auditor_client, register, field, value):
    response = auditor_client.get("/api/audit/sanctions/", {field: value})
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("field", ["in_force_on", "imposed_after", "imposed_before"])
@pytest.mark.parametrize("value", ["not-a-date", "2016-02-30", "2016-13-01", "20160101"])
def test_a_malformed_date_is_400_naming_the_field(auditor_client, field, value):
    response = auditor_client.get("/api/audit/sanctions/", {field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_imposed_after_later_than_imposed_before_is_400(auditor_client, register):
    response = auditor_client.get(
        "/api/audit/sanctions/", {"imposed_after": str(days(-10)), "imposed_before": str(days(-20))}
    )
    assert response.status_code == 400
    assert "imposed_before" in response.json() or "imposed_after" in response.json()


def test_a_bad_filter_is_400_in_csv_too(auditor_client):
    response = auditor_client.get("/api/audit/sanctions/", {"format": "csv", "code": "public_flogging"})
    assert response.status_code == 400


# --- CSV export -------------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(raw.decode())))


def test_sanctions_csv_has_a_header_row_and_every_row_not_one_page(auditor_client):
    made = [make_sanction() for _ in range(60)]
    rows = csv_rows(auditor_client.get("/api/audit/sanctions/", {"format": "csv"}))
    assert len(rows) == 60
    assert {int(r["id"]) for r in rows} == {s.pk for s in made}
    assert {"id", "code", "case", "status", "member.membership_number", "member.region"} <= set(rows[0])
    assert all(r["code"] == "formal_warning" for r in rows)


def test_sanctions_csv_read_in_chunks_has_every_row_once_in_register_order(
    auditor_client, sixty_sanctions, monkeypatch
):
    from complaints.api.register import AuditSanctionListApi

    monkeypatch.setattr(AuditSanctionListApi, "csv_chunk", 7)
    rows = csv_rows(auditor_client.get("/api/audit/sanctions/", {"format": "csv", "rule": "RU9"}))
    expected = sorted(sixty_sanctions, key=lambda s: (s.imposed_on, s.pk), reverse=True)
    assert [int(r["id"]) for r in rows] == [s.pk for s in expected]
    assert all("RU9" in r["rules"].split("; ") and "harassment" in r["categories"].split("; ") for r in rows)


def test_sanctions_csv_honours_the_filters(auditor_client, register):
    rows = csv_rows(auditor_client.get("/api/audit/sanctions/", {"format": "csv", "status": "spent"}))
    assert {int(r["id"]) for r in rows} == expect(register, "spent", "lapsed")


def test_member_history_csv_has_a_header_row_and_every_entry(auditor_client):
    member = MemberFactory()
    for _ in range(30):
        DecisionFactory(case=CaseFactory(decided=True, respondent=member))
    response = auditor_client.get(f"/api/audit/members/{member.membership_number}/history/", {"format": "csv"})
    rows = csv_rows(response)
    assert len(rows) == 60
    assert {"at", "kind", "case"} <= set(rows[0])
    assert sorted(r["kind"] for r in rows) == ["case"] * 30 + ["decision"] * 30


# --- Member history ------------------------------------------------------------------------------


def test_member_history_has_every_kind_of_entry_oldest_first(auditor_client):
    member = MemberFactory(with_login=True)
    now = timezone.now()
    case = CaseFactory(appeal=True, respondent=member, opened_at=now - dt.timedelta(days=30))
    decision = DecisionFactory(case=case, decided_at=now - dt.timedelta(days=20))
    sanction = SanctionFactory(decision=decision, code="formal_warning", duration_days=None)
    Sanction.objects.filter(pk=sanction.pk).update(created_at=now - dt.timedelta(days=20) + dt.timedelta(minutes=1))
    InterimSuspension.objects.create(
        case=case,
        member=member,
        reason="Threats",
        imposed_by=UserFactory(roles=["officer"]),
        imposed_at=now - dt.timedelta(days=25),
        next_review_due=now + dt.timedelta(days=3),
    )
    AppealFactory(decision=decision, case=case, lodged_at=now - dt.timedelta(days=10))
    other = CaseFactory(respondent=MemberFactory(), opened_at=now - dt.timedelta(days=40))

    response = auditor_client.get(f"/api/audit/members/{member.membership_number}/history/")
    assert response.status_code == 200
    entries = response.json()
    assert [e["kind"] for e in entries] == ["case", "interim_suspension", "decision", "sanction", "appeal"]
    assert {e["case"] for e in entries} == {case.reference}
    assert other.reference not in response.content.decode()
    stamps = [dt.datetime.fromisoformat(e["at"]) for e in entries]
    assert stamps == sorted(stamps)


def test_history_of_an_unknown_member_is_404(auditor_client):
    assert auditor_client.get("/api/audit/members/X9999999/history/").status_code == 404


def test_reading_a_members_history_is_itself_audited(auditor_client):
    member = MemberFactory()
    auditor_client.get(f"/api/audit/members/{member.membership_number}/history/")
    assert AuditEvent.objects.filter(action="member.read", object_id=str(member.pk)).count() == 1


# --- Who may read, and auditors write nothing ----------------------------------------------------


@pytest.mark.parametrize("who", ["panel", "member"])
@pytest.mark.parametrize("suffix", ["", "?format=csv"])
def test_panel_members_and_members_may_not_use_the_auditor_endpoints(client_for, who, suffix):
    member = MemberFactory(with_login=True)
    make_sanction(member=member)
    user = UserFactory(roles=["panel"]) if who == "panel" else member.user
    client = client_for(user)
    assert client.get(f"/api/audit/sanctions/{suffix}").status_code == 403
    assert client.get(f"/api/audit/members/{member.membership_number}/history/{suffix}").status_code == 403


def _write_attempts(case):
    complaint, number = case.complaint.reference, case.respondent.membership_number
    body = {"summary": "s", "description": "d"}
    action = {"action": "dismiss", "version": case.version, "reason_code": "vexatious", "reason": "r"}
    return [
        ("post", "/api/complaints/", body),
        ("put", f"/api/complaints/{complaint}/", body),
        ("patch", f"/api/complaints/{complaint}/", body),
        ("delete", f"/api/complaints/{complaint}/", None),
        ("post", f"/api/complaints/{complaint}/evidence/", [{"channel": "other", "occurred_at": "2024-01-01T00:00Z"}]),
        ("post", "/api/cases/", {"reference": "X"}),
        ("put", f"/api/cases/{case.reference}/", {"status": "closed"}),
        ("delete", f"/api/cases/{case.reference}/", None),
        ("post", f"/api/cases/{case.reference}/actions/", action),
        ("post", "/api/allegations/", {}),
        ("post", f"/api/allegations/{case.reference}/response/", {"text": "t"}),
        ("post", f"/api/allegations/{case.reference}/appeal/", {"grounds": "g"}),
        ("post", "/api/audit/sanctions/", {"code": "expulsion"}),
        ("delete", "/api/audit/sanctions/", None),
        ("post", f"/api/audit/members/{number}/history/", {}),
        ("post", "/api/me/", {}),
    ]


def test_any_write_by_an_auditor_anywhere_is_403_and_stores_nothing(client_for):
    case = CaseFactory(awaiting_response=True)
    client = client_for(UserFactory(roles=["auditor"]))

    def state():
        case.refresh_from_db()
        return (
            case.status,
            case.version,
            Complaint.objects.count(),
            Case.objects.count(),
            case_event_count(),
            AuditEvent.objects.count(),
            Appeal.objects.count(),
        )

    before = state()
    wrong = {}
    for method, path, body in _write_attempts(case):
        response = getattr(client, method)(path, body, format="json")
        if response.status_code != 403:
            wrong[f"{method.upper()} {path}"] = response.status_code
    assert wrong == {}, f"auditor writes not refused with 403: {wrong}"
    assert state() == before


# --- Query counts ---------------------------------------------------------------------------


@pytest.fixture
def sixty_sanctions():
    """Sixty sanctions over twenty days, three a day (ties on the date), that every filter below matches."""
    skye = ConstituencyFactory(name="Isle of Skye", region=RegionFactory(name="Highlands and Islands"))
    made = []
    for i in range(60):
        first = rule(f"RU{1 + i % 12}")
        made.append(
            make_sanction(
                member=MemberFactory(constituency=skye),
                imposed_on=days(-(i // 3)),
                rules=[first.code, "RU9"],
                categories=sorted({first.category.code, "harassment"}),
                departed_from_guidance=True,
            )
        )
    return made


def queries_for(client, path, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == int(params.get("page_size", 50))
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"rule": "RU9"},
        {"category": "harassment"},
        {"status": "active", "in_force_on": "D-0", "imposed_after": "D-30", "departed_from_guidance": "true"},
        {"region": "Highlands and Islands", "constituency": "Isle of Skye", "code": "formal_warning"},
    ],
    ids=["unfiltered", "rule", "category", "status-and-dates", "place-and-code"],
)
def test_a_register_page_costs_the_same_whatever_its_size_or_number(auditor_client, sixty_sanctions, filters):
    """5 rows or 50, page 1 or page 7: the same queries (none per row, none per page number)."""
    filters = {k: str(days(-int(v[2:]))) if v.startswith("D-") else v for k, v in filters.items()}
    path = "/api/audit/sanctions/"
    assert auditor_client.get(path, {**filters, "page_size": 1}).json()["count"] == 60

    first_small = queries_for(auditor_client, path, {**filters, "page_size": 5})
    assert queries_for(auditor_client, path, {**filters, "page_size": 50}) == first_small
    assert queries_for(auditor_client, path, {**filters, "page_size": 5, "page": 7}) == first_small


def test_register_pages_follow_the_register_order_to_the_last_row(auditor_client, sixty_sanctions):
    everything = auditor_client.get("/api/audit/sanctions/", {"page_size": 500}).json()
    order = [item["id"] for item in everything["results"]]
    assert everything["count"] == 60 and len(order) == 60
    expected = sorted(sixty_sanctions, key=lambda s: (s.imposed_on, s.pk), reverse=True)
    assert order == [s.pk for s in expected]

    paged = []
    for number in range(1, 8):
        body = auditor_client.get("/api/audit/sanctions/", {"page_size": 9, "page": number}).json()
        assert body["count"] == 60
        paged += [item["id"] for item in body["results"]]
    assert paged == order
    assert body["next"] is None and "page=6" in body["previous"]
    assert auditor_client.get("/api/audit/sanctions/", {"page_size": 9, "page": 8}).status_code == 404


def test_a_filtered_page_reads_its_rules_and_categories_in_full(auditor_client, sixty_sanctions):
    body = auditor_client.get("/api/audit/sanctions/", {"rule": "RU3", "page_size": 2, "page": 2}).json()
    wanted = [s for s in sixty_sanctions if s.rules.filter(code="RU3").exists()]
    wanted.sort(key=lambda s: (s.imposed_on, s.pk), reverse=True)
    assert body["count"] == len(wanted) == 5
    assert [item["id"] for item in body["results"]] == [s.pk for s in wanted[2:4]]
    for item in body["results"]:
        assert item["rules"] == ["RU3", "RU9"]
        assert item["categories"] == sorted({rule("RU3").category.code, "harassment"})


def test_a_page_size_over_500_is_cut_to_500(auditor_client):
    make_sanction()
    body = auditor_client.get("/api/audit/sanctions/", {"page_size": 10_000}).json()
    assert body["count"] == 1 and body["next"] is None
