"""Threats and the police: threats from strangers on a running clock, a supplementary referral,
and a veiled threat the machine missed that an officer corrects."""

import csv
import datetime as dt
import tempfile
from pathlib import Path

from django.utils import timezone

from complaints.api.intake import validate_rows
from complaints.demo.builders import login_for
from complaints.demo.scenarios.base import Demo
from complaints.demo.wavegen import generate
from complaints.services.complaints import complaint_file
from complaints.services.evidence import evidence_upload
from complaints.services.evidence.classification import evidence_classify_many
from complaints.services.police import complaint_record_police_referral
from members.services import member_import_rows


def _stranger(handle: str, text: str, when: dt.datetime, n: int) -> dict:
    return {
        "channel": "twitter",
        "author_handle": f"@{handle}",
        "url": f"https://twitter.com/{handle}/status/{8_000_000_000_000_000_000 + n}",
        "text": text,
        "occurred_at": when,
    }


def threats_from_strangers(demo: Demo) -> None:
    """Received ten hours ago: threats from accounts that belong to no member, beside a member's abuse.
    The police clock runs, with fourteen hours left."""
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU1", "RU5", "RU11"],
        summary="Threats after the hustings, most from anonymous accounts",
        description="After the hustings my accounts filled with threats. Most come from accounts I do not "
        "know; one is from a member of my own branch.",
        days_ago=10 / 24,
        unknown=18,
    )
    filed = demo.at(10 / 24)
    target = case.complaint.complainant.first_name
    strangers = [
        ("hangthetraitors_", f"Someone should string {target} up outside the town hall."),
        ("hangthetraitors_", f"{target}, you will regret this. I will find you."),
        ("hangthetraitors_", f"We know where your office is, {target}. Watch your back."),
        ("burnerac_77", f"You will regret this, {target}. I will find you."),
    ]
    items = [
        _stranger(handle, text, filed - dt.timedelta(hours=5 - i), i) for i, (handle, text) in enumerate(strangers)
    ]
    evidence_upload(complaint=case.complaint, items=items, rejected=[], actor=case.complaint.filed_by, now=filed)


def supplementary_referral(demo: Demo) -> None:
    """Filed three days ago and referred to the police the same day; two new threats since, five hours
    ago, run a new clock for a supplementary referral."""
    s = demo.staff
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU1", "RU9"],
        summary="Threats to a councillor's family, referred to the police",
        description="Messages naming my children's school and threatening my family.",
        days_ago=3,
        unknown=6,
    )
    complaint = case.complaint
    complaint_record_police_referral(
        complaint=complaint,
        actor=s.officer,
        senders="all",
        force="West Midlands Police",
        unit="Public Protection Unit",
        crime_reference="20/118834/26",
        referred_at=demo.at(2.8),
        now=demo.at(2.75),
    )
    target = complaint.complainant.first_name
    later = demo.at(5 / 24)
    items = [
        _stranger("watching_you_26", f"{target}, we know where your office is. Watch your back.", later, 101),
        _stranger("watching_you_26", f"Someone should string {target} up for what she did today.", later, 102),
    ]
    evidence_upload(complaint=complaint, items=items, rejected=[], actor=complaint.filed_by, now=later)


def missed_threat_corrected(demo: Demo) -> None:
    """A veiled threat the machine reads as nothing (it names no harm, only that the sender watches her house):
    the officer marks it a threat, with a reason, and refers it to the police; the machine's own reading
    stays beside hers."""
    s = demo.staff
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU5", "RU11"],
        summary="Abuse after a council vote, and a message about the surgery",
        description="Abusive messages after the vote on the library closure, and one about my surgery that "
        "frightened my staff.",
        days_ago=2,
        unknown=5,
    )
    complaint = case.complaint
    target = complaint.complainant.first_name
    veiled = _stranger(
        "quiet_neighbour_",
        f"Nice new curtains at number 14, {target}. We noticed.",
        demo.at(2.1),
        201,
    )
    evidence_upload(
        complaint=complaint, items=[veiled], rejected=[], actor=login_for(complaint.complainant), now=demo.at(2)
    )
    item = complaint.evidence.get(author_handle="@quiet_neighbour_")
    evidence_classify_many(
        evidence_ids=[item.pk],
        actor=s.officer,
        threat=True,
        categories=["harassment"],
        reason="Names her house and says they watch it: a veiled threat.",
        now=demo.at(1.9),
    )
    complaint_record_police_referral(
        complaint=complaint,
        actor=s.officer,
        senders=["handle:twitter:quiet_neighbour_"],
        force="Greater Manchester Police",
        crime_reference="CRI/06/4471/26",
        referred_at=demo.at(1.8),
        now=demo.at(1.8),
    )


WAVE_ITEMS = 2500  # the demo's wave: large enough to need the workbench, small enough to seed in seconds


def mass_abuse_wave(demo: Demo) -> None:
    """Received a week ago: a wave of 2,500 abusive messages from hundreds of senders (generated
    like the benches' 25,000-item wave), dozens of them members, a coordinated campaign, and
    threats on a police clock that has run out."""
    s = demo.staff
    target = demo.complainant()
    with tempfile.TemporaryDirectory(prefix="demo_wave_") as folder:
        generate(folder, items=WAVE_ITEMS, members=1200, senders=260, seed=2016, target=target.first_name)
        with open(Path(folder) / "members.csv", newline="", encoding="utf-8") as f:
            member_import_rows(rows=enumerate(csv.DictReader(f), start=2), actor=s.officer)
        with open(Path(folder) / "wave.csv", newline="", encoding="utf-8") as f:
            rows = [(line, raw, None) for line, raw in enumerate(csv.DictReader(f), start=2)]
    items, _rejected = validate_rows(rows)  # the generator writes only valid rows
    filed = demo.at(7)
    complaint_file(
        actor=login_for(target),
        summary=f"A wave of {WAVE_ITEMS:,} abusive messages after the leadership vote",
        description="Within twelve hours of the vote my accounts, e-mail and office phone received thousands "
        "of abusive messages, some threatening, many copied word for word. I attach everything.",
        incident_date=timezone.localdate(filed),
        rules=[demo.rules[code] for code in ("RU1", "RU5", "RU11")],
        target_pronouns=["she", "her"],
        evidence=items,
        now=filed,
    )


SCENARIOS = [threats_from_strangers, supplementary_referral, missed_threat_corrected, mass_abuse_wave]
