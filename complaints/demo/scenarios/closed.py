"""Closed cases: every way a case ends after a decision, with sanctions spent, active, overturned and varied."""

from complaints.demo.scenarios.base import Demo
from complaints.services.cases import case_record_police_referral


def spent_suspension(demo: Demo) -> None:
    """Closed long ago: a 30-day suspension of membership, now spent. The respondent offends again
    (repeat_offender_at_panel)."""
    walk, s, at = demo.walker, demo.staff, demo.at
    demo.repeat_offender = repeat, target = demo.respondent(), demo.complainant()
    (case,) = demo.file(
        by=target,
        against=[repeat],
        rules=["RU5"],
        summary="Sexist abuse of a woman councillor on Twitter after a budget vote",
        description="After the council budget vote he posted a series of messages mocking me as hysterical "
        "and telling me to go back to the kitchen. Screenshots attached.",
        days_ago=460,
    )
    walk.open_investigation(case, now=at(455))
    walk.issue_notice(case, now=at(450))
    walk.record_response(case, text="I accept the posts were intemperate. I have deleted them.", now=at(440))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(420))
    walk.decide(case, by=s.panel1, sanctions=[demo.sanction("suspension_membership", 30)], now=at(400))
    walk.confirm(case, by=s.panel2, now=at(399))
    walk.close(case, now=at(370))


def active_suspension(demo: Demo) -> None:
    """Closed: an active six-month suspension (the member login was the target)."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.people.mp,
        against=[demo.respondent()],
        rules=["RU2"],
        summary="Antisemitic posts about the MP on a constituency Facebook group",
        description="A member posted that I am 'loyal to a foreign power, not to this party' and shared a "
        "cartoon drawing on antisemitic tropes. Several other members reacted and shared it.",
        days_ago=150,
    )
    walk.open_investigation(case, investigator=s.officer, now=at(146))
    walk.issue_notice(case, now=at(140))
    walk.record_response(case, text="The post was about foreign policy, not about her religion.", now=at(130))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(100))
    walk.decide(case, by=s.panel2, sanctions=[demo.sanction("suspension_membership", 180)], now=at(60))
    walk.confirm(case, by=s.panel3, now=at(59))
    walk.close(case, now=at(0))


def expulsion_for_a_threat(demo: Demo) -> None:
    """Closed: expulsion for a threat of violence; the respondent never answered the notice."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU1"],
        summary="Threat to hang a member of the shadow cabinet, posted on Facebook",
        description="A Facebook message said she 'should hang' for her speech. The message was passed to the "
        "police. The sender is a member of my branch.",
        days_ago=130,
        unknown=0,
    )
    case_record_police_referral(
        case=case, actor=s.officer, force="Metropolitan Police", crime_reference="CAD 4471/26", now=at(129.8)
    )
    walk.open_investigation(case, now=at(129))
    walk.issue_notice(case, now=at(127))
    walk.continue_without_response(case, now=at(110))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(105))
    walk.decide(case, by=s.panel3, sanctions=[demo.sanction("expulsion")], now=at(90))
    walk.confirm(case, by=s.panel1, now=at(89))
    walk.close(case, now=at(60))


def reminder_of_conduct(demo: Demo) -> None:
    """Closed: a reminder of conduct for abusive language, decided by a panel of one."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU11"],
        summary="Swearing at a fellow member during a branch meeting",
        description="During the selection debate he called the branch secretary a 'useless [expletive]' in "
        "front of forty members.",
        days_ago=170,
    )
    walk.open_investigation(case, actor=s.officer2, investigator=s.officer, now=at(168))
    walk.issue_notice(case, now=at(165))
    walk.record_response(case, text="I apologise. It was a heated meeting.", now=at(160))
    walk.refer_to_panel(case, panel=[s.panel1], now=at(140))
    walk.decide(case, by=s.panel1, sanctions=[demo.sanction("reminder")], now=at(120))
    walk.close(case, now=at(95))


def warning_on_one_charge_of_two(demo: Demo) -> None:
    """Closed: a formal warning for harassment; the abusive-language charge was not proven."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU9", "RU11"],
        summary="Repeated messages demanding a councillor resign",
        description="Over three weeks I received dozens of messages telling me to resign, some calling me a "
        "traitor. They stopped only when I blocked the account.",
        days_ago=260,
        unknown=2,
    )
    walk.open_investigation(case, now=at(258))
    walk.issue_notice(case, now=at(255))
    walk.record_response(case, text="I was exercising my right to criticise an elected representative.", now=at(245))
    walk.refer_to_panel(case, panel=[s.panel2], now=at(230))
    walk.decide(case, by=s.panel2, sanctions=[demo.sanction("formal_warning")], not_breached=["RU11"], now=at(200))
    walk.close(case, now=at(150))


def not_upheld(demo: Demo) -> None:
    """Closed: not upheld, on a complaint from a witness rather than the target."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU3"],
        summary="Alleged racist remark at a canvassing session",
        description="A fellow canvasser is said to have made a racist remark about a resident. I was told "
        "about it by another volunteer.",
        days_ago=110,
        target=False,
        unknown=0,
    )
    walk.open_investigation(case, now=at(108))
    walk.issue_notice(case, now=at(105))
    walk.record_response(case, text="I deny this. Two other canvassers were with me all afternoon.", now=at(95))
    walk.refer_to_panel(case, panel=[s.panel3], now=at(70))
    walk.decide(case, by=s.panel3, outcome="not_upheld", now=at(45))
    walk.close(case, now=at(44))


def appeal_dismissed(demo: Demo) -> None:
    """Closed on appeal: the appeal is dismissed and the conditions stand (the member login was the target)."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.people.mp,
        against=[demo.respondent()],
        rules=["RU4"],
        summary="Islamophobic comments about a Muslim councillor",
        description="In a WhatsApp group for ward organisers a member wrote that our councillor 'wants to "
        "bring sharia into the council chamber'. The group has eighty members.",
        days_ago=140,
    )
    walk.open_investigation(case, now=at(138))
    walk.issue_notice(case, now=at(135))
    walk.record_response(case, text="It was a joke taken out of context.", now=at(125))
    walk.refer_to_panel(case, panel=[s.panel1], now=at(115))
    conditions = demo.sanction("conditions", conditions="A written apology and removal of the messages.")
    walk.decide(case, by=s.panel1, sanctions=[conditions], now=at(100))
    walk.lodge_appeal(case, grounds="The panel did not consider that the group was private.", now=at(90))
    walk.set_appeal_panel(case, now=at(85))
    walk.decide_appeal(
        case,
        outcome="dismissed",
        reasons="A private group of eighty members is not private conduct.",
        now=at(70),
    )


def appeal_upheld(demo: Demo) -> None:
    """Closed on appeal: new evidence, and the suspension from office is overturned."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU10"],
        summary="Home address of a councillor shared in a campaign group",
        description="A screenshot showing my home address was posted in a campaign group with the words "
        "'pay her a visit'.",
        days_ago=95,
    )
    walk.open_investigation(case, now=at(93))
    walk.issue_notice(case, now=at(90))
    walk.record_response(
        case, text="I did not post it; my account was used by someone else at a party event.", now=at(80)
    )
    walk.refer_to_panel(case, panel=s.full_panel, now=at(65))
    walk.decide(case, by=s.panel1, sanctions=[demo.sanction("suspension_office", 90)], now=at(50))
    walk.confirm(case, by=s.panel3, now=at(49))
    walk.lodge_appeal(
        case, grounds="New evidence: the device logs show the post was made from another phone.", now=at(45)
    )
    walk.set_appeal_panel(case, now=at(44))
    walk.decide_appeal(
        case,
        outcome="upheld",
        reasons="The new evidence shows the respondent did not make the post; the sanction falls.",
        now=at(30),
    )


def appeal_varied(demo: Demo) -> None:
    """Closed on appeal: a suspension of membership varied to conditions."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU6"],
        summary="Homophobic remarks about a candidate in a hustings",
        description="During the hustings Q&A a member told the candidate that his 'lifestyle' made him unfit "
        "to represent families.",
        days_ago=120,
        unknown=0,
    )
    walk.open_investigation(case, now=at(118))
    walk.issue_notice(case, now=at(116))
    walk.record_response(case, text="I regret the words I used and have apologised to the candidate.", now=at(106))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(95))
    walk.decide(case, by=s.panel2, sanctions=[demo.sanction("suspension_membership", 120)], now=at(80))
    walk.confirm(case, by=s.panel1, now=at(79))
    walk.lodge_appeal(
        case, grounds="The sanction is disproportionate for a first offence followed by an apology.", now=at(70)
    )
    walk.set_appeal_panel(case, now=at(68))
    walk.decide_appeal(
        case,
        outcome="varied",
        reasons="The apology and the respondent's record justify a lesser sanction.",
        sanctions=[demo.sanction("conditions", conditions="Mandatory equality training and a public apology.")],
        now=at(55),
    )


def departure_from_guidance(demo: Demo) -> None:
    """Closed: a formal warning outside the guidance range, with the stated reason."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU12"],
        summary="Leaked the branch membership list to a rival campaign",
        description="The branch membership list, with phone numbers, appeared in a rival group's mailing. "
        "Only the respondent and the secretary had a copy.",
        days_ago=190,
        target=False,
        unknown=0,
    )
    walk.open_investigation(case, now=at(188))
    walk.issue_notice(case, now=at(185))
    walk.record_response(case, text="I shared it with one friend, not with the campaign.", now=at(176))
    walk.refer_to_panel(case, panel=[s.panel3], now=at(165))
    walk.decide(
        case,
        by=s.panel3,
        sanctions=[demo.sanction("formal_warning")],
        departure_reason="Members' personal data was exposed; a reminder would not reflect the harm done.",
        now=at(150),
    )
    walk.close(case, now=at(120))


def informal_reminder(demo: Demo) -> None:
    """Closed: resolved informally with a reminder of conduct, the response recorded by an officer."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU11"],
        summary="Rude replies to constituents on the branch Facebook page",
        description="The branch's page moderator replied to constituents' questions with insults.",
        days_ago=140,
        target=False,
    )
    walk.open_investigation(case, now=at(138))
    walk.issue_notice(case, now=at(136))
    walk.record_response(
        case, text="I accept I was rude and will step back from moderating.", actor=s.officer2, now=at(130)
    )
    walk.resolve_informally(
        case,
        sanction=demo.sanction("reminder"),
        reasons="The respondent accepted the conduct and apologised.",
        now=at(125),
    )
    walk.close(case, now=at(100))


SCENARIOS = [
    spent_suspension,
    active_suspension,
    expulsion_for_a_threat,
    reminder_of_conduct,
    warning_on_one_charge_of_two,
    not_upheld,
    appeal_dismissed,
    appeal_upheld,
    appeal_varied,
    departure_from_guidance,
    informal_reminder,
]
