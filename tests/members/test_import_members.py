import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from members.models import Constituency, Identity, Member, Region
from members.services import COLUMNS, member_import_rows, register_import
from members.signals import identities_registered
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def member_row(n: int, **overrides) -> dict:
    row = {
        "membership_number": f"L{n:07d}",
        "first_name": "Ruth",
        "last_name": f"Smith{n}",
        "email": f"ruth.{n}@members.example.org",
        "phone": f"07700 9{n:05d}",
        "constituency": "Stoke-on-Trent North",
        "region": "West Midlands",
        "joined_on": "2015-09-12",
        "status": "active",
        "twitter": "",
        "facebook": "",
        "offices": "",
    }
    row.update(overrides)
    return row


def write_csv(path, rows, columns=COLUMNS):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def run_import(rows):
    """Call the service the way the command does: line 1 is the header."""
    return member_import_rows(rows=list(enumerate(rows, start=2)))


def identities_of(member):
    return {(i.kind, i.platform, i.normalised) for i in member.identities.all()}


def test_good_rows_create_members_places_and_normalised_identities():
    result = run_import(
        [
            member_row(1, twitter="https://x.com/RuthS", facebook="facebook.com/ruth.smeeth/", email=" R@X.ORG "),
            member_row(2, constituency="Islington North", region="London", status="", joined_on=""),
        ]
    )

    assert (result.created, result.updated, result.unchanged, result.rejected) == (2, 0, 0, [])
    ruth = Member.objects.get(membership_number="L0000001")
    assert ruth.email == "R@X.ORG"
    assert ruth.constituency.name == "Stoke-on-Trent North"
    assert ruth.constituency.region.name == "West Midlands"
    assert str(ruth.joined_on) == "2015-09-12"
    assert identities_of(ruth) == {
        ("email", "", "r@x.org"),
        ("phone", "", "+447700900001"),
        ("handle", "twitter", "ruths"),
        ("handle", "facebook", "ruth.smeeth"),
    }
    assert ruth.identities.get(platform="twitter").value == "https://x.com/RuthS"
    second = Member.objects.get(membership_number="L0000002")
    assert second.status == Member.Status.ACTIVE
    assert second.joined_on is None
    assert set(Region.objects.values_list("name", flat=True)) == {"West Midlands", "London"}
    assert Constituency.objects.count() == 2


def test_reimport_updates_in_place_and_replaces_changed_identities():
    run_import([member_row(1, twitter="@old_handle"), member_row(2)])
    ruth = Member.objects.get(membership_number="L0000001")
    phone_identity = ruth.identities.get(kind="phone")
    # An e-mail an officer registered by hand is not one of the import's columns: it stays.
    Identity.objects.create(member=ruth, kind="email", value="other@example.net")

    result = run_import(
        [member_row(1, email="new@example.org", twitter="https://twitter.com/NewHandle/", last_name="Jones"),
         member_row(2)]
    )  # fmt: skip

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Member.objects.count() == 2
    ruth.refresh_from_db()
    assert ruth.last_name == "Jones"
    assert ruth.email == "new@example.org"
    assert identities_of(ruth) == {
        ("email", "", "new@example.org"),
        ("email", "", "other@example.net"),
        ("phone", "", "+447700900001"),
        ("handle", "twitter", "newhandle"),
    }
    assert ruth.identities.get(kind="phone").pk == phone_identity.pk  # unchanged value: same row kept
    assert result.identities_removed == 2
    assert result.identities_created == 2


def test_reimport_can_clear_optional_fields_and_change_every_stored_field():
    run_import([member_row(1), member_row(2, offices="MP")])
    result = run_import(
        [
            member_row(1, constituency="", region="", joined_on="", phone="", email="", status="lapsed"),
            member_row(
                2,
                first_name="Sam",
                constituency="Tottenham",
                region="London",
                joined_on="2001-01-31",
                offices="councillor",
            ),
        ]
    )
    assert result.updated == 2
    one = Member.objects.get(membership_number="L0000001")
    assert (one.constituency, one.joined_on, one.phone, one.email, one.status) == (None, None, "", "", "lapsed")
    assert not one.identities.exists()
    two = Member.objects.get(membership_number="L0000002")
    assert (two.first_name, two.constituency.name, str(two.joined_on), two.offices) == (
        "Sam",
        "Tottenham",
        "2001-01-31",
        "councillor",
    )
    assert two.updated_at > two.created_at


def test_reimport_with_an_emptied_handle_removes_it():
    run_import([member_row(1, facebook="ruth.smeeth")])
    result = run_import([member_row(1)])
    assert result.updated == 1
    assert not Identity.objects.filter(platform="facebook").exists()


def test_reimport_of_the_same_rows_changes_nothing():
    rows = [member_row(n, twitter=f"@h{n}" if n % 2 else "") for n in range(1, 6)]
    run_import(rows)
    before = list(Member.objects.order_by("pk").values_list("pk", "updated_at"))
    identities_before = set(Identity.objects.values_list("pk", flat=True))

    result = run_import(rows)

    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 5, [])
    assert list(Member.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert set(Identity.objects.values_list("pk", flat=True)) == identities_before


def test_upsert_leaves_the_login_and_standing_alone():
    run_import([member_row(1)])
    Member.objects.filter(membership_number="L0000001").update(standing=Member.Standing.SUSPENDED)
    run_import([member_row(1, first_name="Ruthie")])
    ruth = Member.objects.get(membership_number="L0000001")
    assert ruth.first_name == "Ruthie"
    assert ruth.standing == Member.Standing.SUSPENDED


@pytest.mark.parametrize(
    ("overrides", "column"),
    [
        ({"membership_number": ""}, "membership_number"),
        ({"membership_number": "L" + "9" * 20}, "membership_number"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"joined_on": "2016-02-30"}, "joined_on"),
        ({"joined_on": "30/01/2016"}, "joined_on"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"status": "suspended"}, "status"),
        ({"offices": "x" * 301}, "offices"),
        ({"twitter": "t" * 301}, "twitter"),
        ({"twitter": "https://twitter.com/"}, "twitter"),
        ({"constituency": "Somewhere", "region": ""}, "region"),
        ({"constituency": "c" * 151}, "constituency"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_column_and_the_rest_stored(overrides, column):
    result = run_import([member_row(1), member_row(2, **overrides), member_row(3)])

    assert len(result.rejected) == 1
    line, reason = result.rejected[0]
    assert line == 3
    assert reason.startswith(f"{column}:")
    assert result.created == 2
    assert set(Member.objects.values_list("membership_number", flat=True)) == {"L0000001", "L0000003"}


def test_a_duplicated_membership_number_rejects_the_later_row():
    result = run_import([member_row(1, first_name="First"), member_row(2), member_row(1, first_name="Later")])

    assert result.rejected == [(4, "membership_number: L0000001 is already on line 2")]
    assert Member.objects.get(membership_number="L0000001").first_name == "First"


def test_a_constituency_moved_to_another_region_is_rejected():
    run_import([member_row(1)])
    result = run_import([member_row(2, region="London")])
    assert result.rejected[0][0] == 2
    assert result.rejected[0][1].startswith("region:")
    assert not Member.objects.filter(membership_number="L0000002").exists()


def test_one_audit_event_records_the_whole_import_with_counts_and_digest():
    before = AuditEvent.objects.count()
    rows = [member_row(n) for n in range(1, 30)] + [member_row(99, joined_on="bad")]

    result = run_import(rows)

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "members.import"
    assert (event.object_type, event.object_id) == ("members.member", "import")
    assert event.data["created"] == 29
    assert event.data["rejected"] == 1
    assert event.data["digest"] == result.digest
    assert len(result.digest) == 64
    assert run_import(rows).digest == result.digest


def test_a_database_error_stores_nothing(monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr("members.services.register_import.audit_record", fail)
    with pytest.raises(RuntimeError):
        run_import([member_row(1), member_row(2)])
    assert not Member.objects.exists()
    assert not Identity.objects.exists()
    assert not Region.objects.exists()


def test_progress_is_reported_per_chunk_and_at_the_end(monkeypatch):
    monkeypatch.setattr("members.services.register_import.CHUNK", 4)
    calls = []
    member_import_rows(
        rows=list(enumerate([member_row(n) for n in range(1, 11)], start=2)),
        progress=lambda done, total: calls.append((done, total)),
        total=10,
    )
    assert calls == [(4, 10), (8, 10), (10, 10)]
    assert Member.objects.count() == 10


def import_queries(rows) -> int:
    with CaptureQueriesContext(connection) as ctx:
        result = run_import(rows)
    assert not result.rejected
    return len(ctx.captured_queries)


def test_statements_do_not_grow_with_the_rows_of_a_chunk(monkeypatch):
    """New members and identities go as one stream each, updated members as one statement, removed
    identities as one: 10 rows or 200 in a chunk cost exactly the same statements (COPY included)."""
    assert register_import.CHUNK >= 200
    # Attributing waiting evidence (complaints, on the signal) reads senders in batches of its own.
    monkeypatch.setattr("complaints.services.evidence.attribution.CHUNK", 10_000)
    run_import([member_row(9999)])  # the region and constituency exist from here on
    small = import_queries([member_row(n, twitter=f"@s{n}") for n in range(1, 11)])
    Member.objects.filter(membership_number__lt="L0009999").delete()
    large = import_queries([member_row(n, twitter=f"@s{n}") for n in range(1, 201)])
    assert large == small

    # Every row updated: a changed name, one handle replaced by another.
    small_update = import_queries([member_row(n, last_name="Changed", twitter=f"@t{n}") for n in range(1, 11)])
    large_update = import_queries([member_row(n, last_name="Changed", twitter=f"@t{n}") for n in range(1, 201)])
    assert large_update == small_update
    assert Identity.objects.filter(platform="twitter", normalised__startswith="t").count() == 200


def test_each_new_chunk_adds_the_same_statements(monkeypatch):
    monkeypatch.setattr(register_import, "CHUNK", 50)
    run_import([member_row(9999)])
    one = import_queries([member_row(n) for n in range(1, 51)])
    Member.objects.filter(membership_number__lt="L0009999").delete()
    three = import_queries([member_row(n) for n in range(1, 151)])
    Member.objects.filter(membership_number__lt="L0009999").delete()
    five = import_queries([member_row(n) for n in range(1, 251)])
    assert five - three == three - one > 0


# --- the command ----------------------------------------------------------------------------


class TTY(io.StringIO):
    def isatty(self):
        return True


def test_command_imports_a_clean_file_and_prints_one_summary_line(tmp_path):
    path = write_csv(tmp_path / "members.csv", [member_row(1), member_row(2)])
    out = io.StringIO()

    call_command("import_members", path, stdout=out)

    assert out.getvalue().splitlines() == ["created 2, updated 0, unchanged 0, rejected 0"]
    assert Member.objects.count() == 2


def test_command_lists_rejected_rows_and_exits_1(tmp_path):
    path = write_csv(
        tmp_path / "members.csv",
        [member_row(1), member_row(2, joined_on="2016-02-30"), member_row(3, email="nope")],
    )
    out = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_members", path, stdout=out)

    assert excinfo.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == "created 1, updated 0, unchanged 0, rejected 2"
    assert lines[1].startswith("line 3: joined_on:")
    assert lines[2].startswith("line 4: email:")
    assert Member.objects.count() == 1


def test_command_accepts_a_byte_order_mark_and_extra_columns(tmp_path):
    path = tmp_path / "members.csv"
    write_csv(path, [member_row(1)], columns=[*COLUMNS, "notes"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    call_command("import_members", str(path), stdout=io.StringIO())
    assert Member.objects.filter(membership_number="L0000001").exists()


def test_command_reports_a_short_row(tmp_path):
    path = tmp_path / "members.csv"
    write_csv(path, [member_row(1)])
    with open(path, "a", encoding="utf-8") as f:
        f.write("L0000002,Sam\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", str(path), stdout=out)
    assert "line 3: fewer fields than the header" in out.getvalue()


def test_command_refuses_a_header_with_missing_columns(tmp_path):
    columns = [c for c in COLUMNS if c not in ("status", "twitter")]
    path = write_csv(tmp_path / "members.csv", [member_row(1)], columns=columns)

    with pytest.raises(CommandError, match="missing column.*status, twitter"):
        call_command("import_members", path, stdout=io.StringIO())
    assert not Member.objects.exists()


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_members", str(tmp_path / "nope.csv"), stdout=io.StringIO())


def test_command_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(CommandError, match="no header"):
        call_command("import_members", str(path), stdout=io.StringIO())


def test_command_shows_progress_only_on_a_terminal(tmp_path):
    path = write_csv(tmp_path / "members.csv", [member_row(n) for n in range(1, 4)])
    tty = TTY()
    call_command("import_members", path, stdout=tty)
    assert "\rimported 3/3 rows" in tty.getvalue()
    assert tty.getvalue().endswith("\r\033[Kcreated 3, updated 0, unchanged 0, rejected 0\n")

    plain = io.StringIO()
    call_command("import_members", path, stdout=plain)
    assert "imported" not in plain.getvalue()
    assert plain.getvalue().splitlines() == ["created 0, updated 0, unchanged 3, rejected 0"]


def test_every_problem_of_a_row_is_named_in_one_reason():
    result = run_import([member_row(1, first_name="", email="nope", joined_on="2016-13-01")])
    assert result.rejected == [
        (2, "first_name: required; email: not a valid e-mail address ('nope'); joined_on: not a date in YYYY-MM-DD "
         "('2016-13-01')")
    ]  # fmt: skip


# --- a mixed file: the contract any way of writing must keep -----------------------------------


def register_contents():
    """Members, identities and import events as plain values: what an import leaves behind."""
    members = sorted(
        Member.objects.values_list(
            "membership_number",
            "first_name",
            "last_name",
            "email",
            "phone",
            "constituency__name",
            "constituency__region__name",
            "joined_on",
            "status",
            "offices",
            "affiliations",
            "standing",
            "standing_until",
            "rejoin_barred_until",
            "user_id",
        )
    )
    identities = sorted(
        Identity.objects.values_list("member__membership_number", "kind", "platform", "value", "normalised")
    )
    events = list(
        AuditEvent.objects.filter(action="members.import")
        .order_by("seq")
        .values_list("actor_name", "object_type", "object_id", "data")
    )
    return members, identities, events


def test_a_mixed_file_gives_the_same_report_and_register(tmp_path):
    """New, updated, unchanged and invalid rows, a repeated number, and identities that repeat
    one another or one an officer registered: one exact report and one exact register."""
    officer = UserFactory(username="registrar")
    run_import([member_row(1, twitter="@ruth1"), member_row(2), member_row(3, facebook="sam.three")])
    two = Member.objects.get(membership_number="L0000002")
    Identity.objects.create(member=two, kind="handle", platform="twitter", value="@TwoHand")
    Member.objects.filter(pk=two.pk).update(affiliations="union")
    first_events = AuditEvent.objects.filter(action="members.import").count()

    rows = [
        member_row(1, twitter="https://x.com/RUTH1"),  # unchanged: the same handle written otherwise
        member_row(2, last_name="Changed", twitter="twitter.com/twohand", phone="07700 900777"),  # updated
        member_row(3, facebook="", email="three@new.example.org"),  # updated, one handle removed
        member_row(4, phone="07700 900004", twitter="@shared"),  # new
        member_row(5, phone="+44 7700 900004", twitter="@Shared", constituency="Tottenham", region="London"),  # new
        member_row(6, joined_on="2016-02-30", email="nope"),  # invalid: two columns
        member_row(4, first_name="Again"),  # a repeated number
        member_row(7, constituency="Tottenham", region="Wales"),  # a constituency in another region
        member_row(8, status="", joined_on="", email="", phone=""),  # new, nothing but a name
    ]
    path = write_csv(tmp_path / "members.csv", rows)
    with open(path, "a", encoding="utf-8") as f:
        f.write("L0000009,Short\n")
    sent = []

    def listen(sender, identities, actor=None, **kwargs):
        sent.extend(
            (actor.username, i.member.membership_number, i.kind, i.platform, i.value, i.normalised) for i in identities
        )

    identities_registered.connect(listen)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            result = member_import_rows(rows=((reader.line_num, raw) for raw in reader), actor=officer)
    finally:
        identities_registered.disconnect(listen)

    assert result.rejected == [
        (7, "email: not a valid e-mail address ('nope'); joined_on: not a date in YYYY-MM-DD ('2016-02-30')"),
        (8, "membership_number: L0000004 is already on line 5"),
        (9, "region: constituency 'Tottenham' is in 'London', not 'Wales'"),
        (11, "fewer fields than the header (no last_name)"),
    ]
    assert result.counts() == {
        "rows": 10,
        "created": 3,
        "updated": 2,
        "unchanged": 1,
        "rejected": 4,
        "identities_created": 8,
        "identities_removed": 3,
        "regions_created": 2,  # Wales, named by a row rejected afterwards for its constituency
        "constituencies_created": 1,
    }
    # Waiting evidence is attributed for exactly the identities added, as the importing officer.
    assert sorted(sent, key=lambda s: s[1:]) == [
        ("registrar", "L0000002", "phone", "", "07700 900777", "+447700900777"),
        ("registrar", "L0000003", "email", "", "three@new.example.org", "three@new.example.org"),
        ("registrar", "L0000004", "email", "", "ruth.4@members.example.org", "ruth.4@members.example.org"),
        ("registrar", "L0000004", "handle", "twitter", "@shared", "shared"),
        ("registrar", "L0000004", "phone", "", "07700 900004", "+447700900004"),
        ("registrar", "L0000005", "email", "", "ruth.5@members.example.org", "ruth.5@members.example.org"),
        ("registrar", "L0000005", "handle", "twitter", "@Shared", "shared"),
        ("registrar", "L0000005", "phone", "", "+44 7700 900004", "+447700900004"),
    ]
    members, identities, events = register_contents()
    stoke, tottenham, joined = ("Stoke-on-Trent North", "West Midlands"), ("Tottenham", "London"), dt.date(2015, 9, 12)
    assert members == [
        ("L0000001", "Ruth", "Smith1", "ruth.1@members.example.org", "07700 900001", *stoke, joined, "active", "", "",
         "good", None, None, None),
        ("L0000002", "Ruth", "Changed", "ruth.2@members.example.org", "07700 900777", *stoke, joined, "active", "",
         "union", "good", None, None, None),
        ("L0000003", "Ruth", "Smith3", "three@new.example.org", "07700 900003", *stoke, joined, "active", "", "",
         "good", None, None, None),
        ("L0000004", "Ruth", "Smith4", "ruth.4@members.example.org", "07700 900004", *stoke, joined, "active", "", "",
         "good", None, None, None),
        ("L0000005", "Ruth", "Smith5", "ruth.5@members.example.org", "+44 7700 900004", *tottenham, joined, "active",
         "", "", "good", None, None, None),
        ("L0000008", "Ruth", "Smith8", "", "", *stoke, None, "active", "", "", "good", None, None, None),
    ]  # fmt: skip
    assert identities == [
        ("L0000001", "email", "", "ruth.1@members.example.org", "ruth.1@members.example.org"),
        ("L0000001", "handle", "twitter", "@ruth1", "ruth1"),
        ("L0000001", "phone", "", "07700 900001", "+447700900001"),
        ("L0000002", "email", "", "ruth.2@members.example.org", "ruth.2@members.example.org"),
        ("L0000002", "handle", "twitter", "@TwoHand", "twohand"),  # the officer's, the same handle: kept
        ("L0000002", "phone", "", "07700 900777", "+447700900777"),
        ("L0000003", "email", "", "three@new.example.org", "three@new.example.org"),
        ("L0000003", "phone", "", "07700 900003", "+447700900003"),
        ("L0000004", "email", "", "ruth.4@members.example.org", "ruth.4@members.example.org"),
        ("L0000004", "handle", "twitter", "@shared", "shared"),
        ("L0000004", "phone", "", "07700 900004", "+447700900004"),
        ("L0000005", "email", "", "ruth.5@members.example.org", "ruth.5@members.example.org"),
        ("L0000005", "handle", "twitter", "@Shared", "shared"),
        ("L0000005", "phone", "", "+44 7700 900004", "+447700900004"),
    ]
    assert events[first_events:] == [
        (
            "registrar",
            "members.member",
            "import",
            {**result.counts(), "digest": "6abac85bb09769592c24d1b223e67b39bd810fc86a3920d6c26c4453fb020521"},
        )
    ]
