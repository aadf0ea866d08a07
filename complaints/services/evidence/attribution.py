"""Senders to members: finding member senders, opening their cases, and attributing evidence that waited."""

import datetime as dt

from django.conf import settings
from django.db.models import Case as Choose
from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from audit.events import Event
from audit.services import audit_record, audit_record_many
from complaints.models import Case, Complaint, Evidence
from complaints.selectors.threats import case_referral_made_exists
from complaints.services.evidence.rows import CHUNK, sender_key
from conduct.models import Category, Severity
from core.errors import ValidationError
from members.models import Identity, Member


def members_for_senders(keys) -> dict[str, int]:
    """Map sender keys to member ids through members' normalised identities (chunked)."""
    by_kind: dict[tuple[str, str], set[str]] = {}
    for key in keys:
        if not key:
            continue
        kind, platform, value = key.split(":", 2)
        by_kind.setdefault((kind, platform), set()).add(value)
    found: dict[str, int] = {}
    for (kind, platform), values in by_kind.items():
        values = sorted(values)
        for i in range(0, len(values), CHUNK):
            rows = Identity.objects.filter(kind=kind, normalised__in=values[i : i + CHUNK])
            if kind in Identity.PLATFORM_KINDS:
                rows = rows.filter(platform=platform)
            for normalised, member_id in rows.values_list("normalised", "member_id").order_by("member_id"):
                found.setdefault(f"{kind}:{platform}:{normalised}", member_id)
    return found


def next_case_reference(complaint: Complaint, taken: int) -> str:
    return f"{complaint.reference}-{taken + 1:03d}"


def cases_for_members(*, complaint: Complaint, member_ids, actor, now) -> tuple[dict[int, Case], int]:
    """The complaint's open case for each member, opening the missing ones. Returns (cases, opened)."""
    member_ids = set(member_ids)
    if complaint.complainant_id:
        member_ids.discard(complaint.complainant_id)
    cases = {c.respondent_id: c for c in complaint.cases.filter(respondent_id__in=member_ids)}
    missing = sorted(member_ids - set(cases))
    if missing:
        # The complaint row is locked by the caller, so numbering cannot race.
        taken = complaint.cases.count()
        new = []
        for offset, member_id in enumerate(missing):
            new.append(
                Case(
                    reference=next_case_reference(complaint, taken + offset),
                    complaint=complaint,
                    respondent_id=member_id,
                    opened_at=now,
                )
            )
        Case.objects.bulk_create(new, batch_size=CHUNK)
        for case in Case.objects.filter(complaint=complaint, respondent_id__in=missing):
            cases[case.respondent_id] = case
        audit_record_many(
            actor=actor,
            events=[
                {
                    "action": Event.CASE_OPEN,
                    "object_type": "complaints.case",
                    "object_id": case.reference,
                    "case_ref": case.reference,
                    "data": {"complaint": complaint.reference, "respondent": case.respondent_id},
                }
                for case in new
            ],
        )
    return cases, len(missing)


def member_ids_for_respondents(respondents: list[dict]) -> tuple[set[int], list[dict]]:
    """Resolve the respondents named in a complaint: (member ids, the unidentified ones)."""
    ids, unidentified = set(), []
    numbers = [r["membership_number"] for r in respondents if r.get("membership_number")]
    known = dict(Member.objects.filter(membership_number__in=numbers).values_list("membership_number", "pk"))
    for i, r in enumerate(respondents):
        if r.get("membership_number"):
            if r["membership_number"] not in known:
                raise ValidationError(
                    f"Item {i}: unknown membership number '{r['membership_number']}'.", field="respondents"
                )
            ids.add(known[r["membership_number"]])
            continue
        item = {
            "channel": r.get("platform", ""),
            "author_handle": r.get("handle", ""),
            "author_email": r.get("email", ""),
            "author_phone": r.get("phone", ""),
        }
        key = sender_key(item)
        member_id = members_for_senders([key]).get(key) if key else None
        if member_id:
            ids.add(member_id)
        else:
            unidentified.append({k: v for k, v in r.items() if v})
    return ids, unidentified


def cases_refresh(*, case_ids, now, reclassified: bool = False) -> None:
    """Recompute volume, threats, severity and categories of cases from their evidence (one UPDATE
    per 500 cases, and the categories in a few statements).

    Severity follows the worst item and the volume; a threat makes the case critical
    and starts the police-referral clock if it has not started. New evidence only adds,
    so severity never falls on intake; after an officer's reclassification
    (`reclassified`) it is worked out afresh, and a case left with no threat loses a
    clock that no decision stopped.
    """
    if not case_ids:
        return
    conf = settings.CONDUCT
    evidence = Evidence.objects.filter(case=OuterRef("pk")).order_by().values("case")
    number = IntegerField()
    count = Coalesce(Subquery(evidence.annotate(n=Count("pk")).values("n")), 0, output_field=number)
    threats = Coalesce(
        Subquery(evidence.filter(threat=True).annotate(n=Count("pk")).values("n")), 0, output_field=number
    )
    worst = Coalesce(
        Subquery(evidence.annotate(worst=Max("severity")).values("worst")), Severity.LOW, output_field=number
    )
    volume = Choose(
        When(GreaterThanOrEqual(count, conf["VOLUME_HIGH"]), then=Value(Severity.HIGH)),
        When(GreaterThanOrEqual(count, conf["VOLUME_MEDIUM"]), then=Value(Severity.MEDIUM)),
        default=Value(Severity.LOW),
        output_field=number,
    )
    threatened = GreaterThan(threats, 0)
    due = now + dt.timedelta(hours=conf["POLICE_REFERRAL_HOURS"])
    clock = [
        When(threatened, police_referral_due__isnull=False, then=F("police_referral_due")),
        When(threatened, then=Value(due)),
    ]
    if reclassified:
        clock.append(When(~case_referral_made_exists(), then=Value(None)))
    case_ids = sorted(case_ids)
    for i in range(0, len(case_ids), CHUNK):
        Case.objects.filter(pk__in=case_ids[i : i + CHUNK]).update(
            evidence_count=count,
            threat_count=threats,
            severity=Choose(
                When(threatened, then=Value(Severity.CRITICAL)),
                default=Greatest(worst, volume, output_field=number)
                if reclassified
                else Greatest(F("severity"), worst, volume, output_field=number),
                output_field=number,
            ),
            police_referral_due=Choose(*clock, default=F("police_referral_due")),
        )
    case_categories_sync(case_ids=case_ids)


def case_categories_sync(*, case_ids) -> None:
    """A case carries the categories of its complaint's rules, of the rules charged, and of its
    evidence's flags (as an officer corrected them): set from the start, kept in step."""
    case_ids = sorted(case_ids)
    code_to_id = dict(Category.objects.values_list("code", "pk"))
    wanted: dict[int, set[int]] = {pk: set() for pk in case_ids}
    through = Case.categories.through
    for i in range(0, len(case_ids), CHUNK):
        chunk = case_ids[i : i + CHUNK]
        for case_id, codes in (
            Evidence.objects.filter(case_id__in=chunk).exclude(categories=[]).values_list("case_id", "categories")
        ).distinct():
            wanted[case_id].update(code_to_id[c] for c in codes if c in code_to_id)
        for case_id, category_id in Case.objects.filter(pk__in=chunk).values_list(
            "pk", "complaint__rules__category_id"
        ):
            if category_id:
                wanted[case_id].add(category_id)
        for case_id, category_id in Case.rules_charged.through.objects.filter(case_id__in=chunk).values_list(
            "case_id", "rule__category_id"
        ):
            wanted[case_id].add(category_id)
        held: dict[int, set[int]] = {pk: set() for pk in chunk}
        for case_id, category_id in through.objects.filter(case_id__in=chunk).values_list("case_id", "category_id"):
            held[case_id].add(category_id)
        stale = [(c, k) for c in chunk for k in held[c] - wanted[c]]
        for case_id, category_id in stale:
            through.objects.filter(case_id=case_id, category_id=category_id).delete()
        through.objects.bulk_create(
            [through(case_id=c, category_id=k) for c in chunk for k in sorted(wanted[c] - held[c])]
        )


THREAT = "threat_of_violence"


def evidence_attribute_waiting(*, identities, actor=None, now=None) -> int:
    """Attribute evidence waiting on unidentified senders to the members whose identities were just
    registered, opening (or reusing) one case per member per complaint. Returns items attributed."""
    now = now or timezone.now()
    member_by_key = {i.sender_key: i.member_id for i in identities if i.normalised}
    if not member_by_key:
        return 0
    keys = sorted(member_by_key)
    waiting: dict[int, list[tuple[int, str]]] = {}
    for i in range(0, len(keys), CHUNK):
        for pk, complaint_id, key in Evidence.objects.filter(
            member__isnull=True, sender_key__in=keys[i : i + CHUNK]
        ).values_list("pk", "complaint_id", "sender_key"):
            waiting.setdefault(complaint_id, []).append((pk, key))
    attributed = 0
    for complaint in Complaint.objects.select_for_update().filter(pk__in=list(waiting)):
        items = waiting[complaint.pk]
        member_ids = {member_by_key[key] for _, key in items}
        cases, opened = cases_for_members(complaint=complaint, member_ids=member_ids, actor=actor, now=now)
        by_member: dict[int, list[int]] = {}
        for pk, key in items:
            by_member.setdefault(member_by_key[key], []).append(pk)
        for member_id, pks in by_member.items():
            case = cases.get(member_id)
            for j in range(0, len(pks), CHUNK):
                Evidence.objects.filter(pk__in=pks[j : j + CHUNK]).update(member_id=member_id, case=case)
            attributed += len(pks)
        cases_refresh(case_ids={c.pk for c in cases.values()}, now=now)
        audit_record(
            actor=actor,
            action=Event.EVIDENCE_ATTRIBUTE,
            obj=complaint,
            data={"items": len(items), "members": len(member_ids), "cases_opened": opened},
        )
    return attributed
