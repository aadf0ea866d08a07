"""Auditor endpoints at register scale: p50 and p95 per endpoint and filter, with query plans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/audit_register.py
        [--members 500000] [--cases 100000] [--sanctions 50000] [--events 200000] [--runs 40]
        [--keep NAME] [--drop] [--plans]

Bulk-generates the register on a throwaway database (PostgreSQL is the target; SQLite
works for a small --members run), then requests every auditor endpoint through
Django's test client as an auditor, `--runs` times each after `--warmup` untimed
requests, and prints p50/p95 (nearest rank) in milliseconds, the number of queries per
page, and EXPLAIN of every query of each page, flagging any sequential scan of a large
table. Figures only, no pass/fail.

Generating takes minutes. `--keep NAME` (PostgreSQL) generates into database NAME on
the same server and leaves it there; a later run with the same NAME migrates it (so
new indexes are built) and measures without generating again. `--keep NAME --drop`
removes it. After generating, the tables are vacuumed and analysed, the state
autovacuum keeps a live database in (index-only scans need the visibility map).
"""

import argparse
import contextlib
import datetime as dt
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"  # as in production: DEBUG records every query

from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from bench.import_members import (  # noqa: E402
    POSTGRES_SCHEMES,
    current_database_url,
    throwaway_database,
    timed,
)

BIG_TABLES = (
    "members_member",
    "complaints_case",
    "complaints_sanction",
    "complaints_sanction_rules",
    "complaints_sanction_categories",
    "audit_auditevent",
    "complaints_complaint",
    "complaints_decision",
)


@contextlib.contextmanager
def kept_database(url: str, name: str, drop: bool):
    """Point DATABASE_URL at database `name` on the server `url` names, creating it if need be; keep it."""
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise SystemExit("--keep needs a PostgreSQL DATABASE_URL")
    import psycopg
    from psycopg import sql

    server = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            print(f"dropped {name}" if exists else f"no database {name}")
            yield None
            return
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    try:
        yield f"PostgreSQL, kept database {name}" + (" (reused)" if exists else " (new)")
    finally:
        from django.db import connections

        connections.close_all()


def build(args, rng):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from audit.chain import GENESIS, compute_hash, event_content
    from audit.models import AuditEvent
    from complaints.models import Case, Complaint, Decision, Sanction
    from conduct.models import Rule, SanctionType
    from members.models import Constituency, Member, Region

    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        auditor = User.objects.create_user("bench-auditor", password="x")
        auditor.groups.add(Group.objects.get(name="auditor"))
        officers = [User.objects.create_user(f"bench-officer{i}", password="x") for i in range(20)]
        for o in officers:
            o.groups.add(Group.objects.get(name="officer"))
        regions = [Region.objects.create(name=f"Region {i}") for i in range(12)]
        places = [Constituency.objects.create(name=f"Constituency {i}", region=regions[i % 12]) for i in range(650)]
        members = [
            Member(
                membership_number=f"B{i:08d}",
                first_name=f"First{i % 997}",
                last_name=f"Last{i % 1009}",
                email=f"m{i}@members.example.org",
                constituency_id=places[i % 650].pk,
                joined_on=dt.date(2010, 1, 1),
            )
            for i in range(args.members)
        ]
        Member.objects.bulk_create(members, batch_size=5000)
        member_place = dict(Member.objects.values_list("pk", "constituency_id"))
        member_ids = list(member_place)
        complaints = [
            Complaint(
                reference=f"RU-B{i:07d}",
                filed_by=auditor,
                complainant_id=rng.choice(member_ids),
                summary="Bench complaint",
                description="-",
                submitted_at=now - dt.timedelta(days=rng.randint(0, 900)),
            )
            for i in range(args.cases // 2)
        ]
        Complaint.objects.bulk_create(complaints, batch_size=5000)
        complaint_ids = list(Complaint.objects.values_list("pk", flat=True))
        statuses = [s for s, _ in Case.Status.choices]
        cases = []
        for i in range(args.cases):
            cid = complaint_ids[i % len(complaint_ids)]
            cases.append(
                Case(
                    reference=f"RU-B{cid:07d}-{i:06d}",
                    complaint_id=cid,
                    respondent_id=rng.choice(member_ids),
                    status=rng.choice(statuses),
                    severity=rng.randint(1, 4),
                    evidence_count=rng.randint(1, 300),
                    opened_at=now - dt.timedelta(days=rng.randint(0, 900)),
                    assigned_to=rng.choice(officers),
                )
            )
        Case.objects.bulk_create(cases, batch_size=5000)
        case_rows = list(Case.objects.values_list("pk", "respondent_id", "reference"))
        decided = rng.sample(case_rows, args.sanctions)
        decisions = [
            Decision(
                case_id=pk,
                outcome="upheld",
                reasons="-",
                decided_by=officers[0],
                decided_at=now - dt.timedelta(days=rng.randint(0, 900)),
            )
            for pk, _, _ in decided
        ]
        Decision.objects.bulk_create(decisions, batch_size=5000)
        types = list(SanctionType.objects.all())
        rules = list(Rule.objects.all())
        sanctions = []
        for (case_pk, member_pk, _), decision in zip(decided, decisions, strict=True):
            st = rng.choice(types)
            start = decision.decided_at.date()
            days = rng.randint(30, 365) if st.fixed_term else None
            status = rng.choices(["active", "spent", "overturned", "varied"], [0.7, 0.2, 0.07, 0.03])[0]
            sanctions.append(
                Sanction(
                    case_id=case_pk,
                    decision=decision,
                    member_id=member_pk,
                    constituency_id=member_place[member_pk],
                    sanction_type=st,
                    level=st.level,
                    duration_days=days,
                    status=status,
                    imposed_on=start,
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=days - 1) if days else None,
                    revoked_on=start + dt.timedelta(days=10) if status in ("overturned", "varied") else None,
                    departed_from_guidance=rng.random() < 0.05,
                )
            )
        Sanction.objects.bulk_create(sanctions, batch_size=5000)
        through_rules = Sanction.rules.through
        through_cats = Sanction.categories.through
        rule_rows, cat_rows = [], []
        for s in Sanction.objects.values_list("pk", flat=True):
            rule = rng.choice(rules)
            rule_rows.append(through_rules(sanction_id=s, rule_id=rule.pk))
            cat_rows.append(through_cats(sanction_id=s, category_id=rule.category_id))
        through_rules.objects.bulk_create(rule_rows, batch_size=5000)
        through_cats.objects.bulk_create(cat_rows, batch_size=5000)
        # The audit log: case reads and actions, chained.
        events, prev = [], GENESIS
        actors = [auditor] + officers
        for seq in range(1, args.events + 1):
            case_pk, _, ref = case_rows[rng.randrange(len(case_rows))]
            actor = rng.choice(actors)
            action = rng.choice(["case.read", "case.read_outside_team", "case.open_investigation", "case.decide"])
            at = now - dt.timedelta(seconds=args.events - seq)
            content = event_content(
                seq=seq,
                at=at,
                actor_name=actor.username,
                action=action,
                object_type="complaints.case",
                object_id=str(case_pk),
                case_ref=ref,
                data={},
            )
            h = compute_hash(prev, content)
            events.append(
                AuditEvent(
                    seq=seq,
                    at=at,
                    actor=actor,
                    actor_name=actor.username,
                    action=action,
                    object_type="complaints.case",
                    object_id=str(case_pk),
                    case_ref=ref,
                    data={},
                    prev_hash=prev,
                    hash=h,
                )
            )
            prev = h
        AuditEvent.objects.bulk_create(events, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def samples():
    """The auditor and the filter values the bench asks for, read back from the generated data."""
    from django.contrib.auth import get_user_model

    from audit.models import AuditEvent
    from complaints.models import Sanction

    auditor = get_user_model().objects.get(username="bench-auditor")
    sanction = Sanction.objects.select_related("member").order_by("pk").first()
    case = AuditEvent.objects.order_by("seq").values_list("case_ref", flat=True).first()
    return auditor, sanction.member.membership_number, case, "bench-officer3", "Constituency 7", "Region 3"


def generated() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="bench-auditor").exists()


def sizes() -> str:
    from audit.models import AuditEvent
    from complaints.models import Case, Sanction
    from members.models import Member

    return (
        f"{Member.objects.count():,} members, {Case.objects.count():,} cases, "
        f"{Sanction.objects.count():,} sanctions, {AuditEvent.objects.count():,} audit events"
    )


def measure(client, url, runs, warmup=0):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    timings = []
    reads = []
    queries = 0
    for i in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        if i == 0:
            queries = len(ctx.captured_queries)
            reads = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    timings.sort()
    p95 = timings[math.ceil(0.95 * len(timings)) - 1]  # nearest rank: of 40 runs, the 38th
    return statistics.median(timings), p95, queries, reads


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]


def scans_big_table(plan: list[str]) -> bool:
    """A sequential scan of one of the large tables anywhere in the plan (PostgreSQL or SQLite wording)."""
    for line in plan:
        if "Seq Scan on" in line or "SCAN " in line and "USING" not in line:
            if any(f" {t} " in f" {line} " for t in BIG_TABLES):
                return True
    return False


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=500_000)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--sanctions", type=int, default=50_000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=2, help="untimed requests to each URL first (plans, caches)")
    ap.add_argument("--plans", action="store_true", help="print every plan in full, not only flagged ones")
    ap.add_argument("--keep", metavar="NAME", help="generate into PostgreSQL database NAME and keep it; reuse it later")
    ap.add_argument("--drop", action="store_true", help="with --keep: drop database NAME and stop")
    args = ap.parse_args(argv)
    rng = random.Random(2016)

    if args.keep:
        where_to = kept_database(current_database_url(), args.keep, args.drop)
    else:
        where_to = throwaway_database(current_database_url())
    with where_to as where:
        if where is None:
            return
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import override_settings

        call_command("migrate", verbosity=0)
        print(f"database: {where}")
        if generated():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            print(f"reusing {sizes()}")
        else:
            seconds, _ = timed(lambda: build(args, rng))
            print(f"generated {sizes()} in {seconds:.0f}s")
        auditor, member, case, officer, constituency, region = samples()
        today = dt.date.today()
        urls = [
            "/api/audit/sanctions/",
            f"/api/audit/sanctions/?member={member}",
            "/api/audit/sanctions/?code=suspension_membership",
            "/api/audit/sanctions/?rule=RU9",
            "/api/audit/sanctions/?category=antisemitism",
            f"/api/audit/sanctions/?region={region.replace(' ', '+')}",
            f"/api/audit/sanctions/?constituency={constituency.replace(' ', '+')}",
            "/api/audit/sanctions/?status=active",
            "/api/audit/sanctions/?status=overturned",
            "/api/audit/sanctions/?status=spent",
            f"/api/audit/sanctions/?in_force_on={today - dt.timedelta(days=200)}",
            f"/api/audit/sanctions/?imposed_after={today - dt.timedelta(days=30)}&imposed_before={today}",
            "/api/audit/sanctions/?departed_from_guidance=true",
            f"/api/audit/sanctions/?page={max(1, args.sanctions // 100)}",
            f"/api/audit/sanctions/?status=active&page={max(1, args.sanctions // 200)}",
            "/api/audit/sanctions/?page_size=500",
            f"/api/audit/members/{member}/history/",
            "/api/audit/events/",
            f"/api/audit/events/?case={case}",
            f"/api/audit/events/?actor={officer}",
            "/api/audit/events/?action=case.decide",
            f"/api/audit/events/?page={max(1, args.events // 100)}",
            "/api/audit/access/",
            f"/api/audit/access/?page={max(1, args.events // 400)}",
        ]
        client = Client()
        client.force_login(auditor)
        print(f"\n{'endpoint':78} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        flagged = []
        with override_settings(ALLOWED_HOSTS=["127.0.0.1"]):
            for url in urls:
                p50, p95, queries, reads = measure(client, url, args.runs, args.warmup)
                mark = "" if p95 < 100 else "  (over 100 ms)"
                print(f"{url:78} {p50:8.1f} {p95:8.1f} {queries:8}{mark}")
                for sql in reads:
                    plan = explain(sql)
                    if scans_big_table(plan) or args.plans:
                        flagged.append((url, sql, plan))
            verify_p50, verify_p95, _, _ = measure(client, "/api/audit/verify/", 3)
            stats_p50, stats_p95, _, _ = measure(client, f"/api/audit/stats/?from={today.replace(month=1, day=1)}", 3)
        print(
            f"\n/api/audit/verify/ recomputes the whole chain ({args.events:,} events): "
            f"p50 {verify_p50:.0f} ms, p95 {verify_p95:.0f} ms"
        )
        print(f"/api/audit/stats/ (this year): p50 {stats_p50:.0f} ms, p95 {stats_p95:.0f} ms")
        print("\nplans of the pages' queries" + ("" if args.plans else " that scan a whole large table") + ":")
        if not flagged:
            print("  none: no page scans a whole large table")
        for url, sql, plan in flagged:
            print(f"\n{url}\n  {sql[:300]}{'...' if len(sql) > 300 else ''}")
            for line in plan:
                print(f"  {line}")


if __name__ == "__main__":
    main()
