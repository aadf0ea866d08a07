"""Decided cases still open: within the appeal window, awaiting confirmation, and under appeal."""

from complaints.demo.scenarios.base import Demo


def decided_with_appeal_open(demo: Demo) -> None:
    """Decided, within the appeal window: the respondent login's formal warning (they may appeal)."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.people.councillor],
        rules=["RU9"],
        summary="Online pile-on against a branch secretary",
        description="The respondent encouraged followers to message the branch secretary 'until she quits'. "
        "She received hundreds of messages.",
        days_ago=60,
    )
    walk.open_investigation(case, now=at(58))
    walk.issue_notice(case, now=at(55))
    walk.record_response(
        case, text="I never asked anyone to message her; I shared a post criticising her decisions.", now=at(45)
    )
    walk.refer_to_panel(case, panel=[s.panel1], now=at(30))
    walk.decide(case, by=s.panel1, sanctions=[demo.sanction("formal_warning")], now=at(5))


def suspension_awaiting_confirmation(demo: Demo) -> None:
    """Decided: a suspension of membership that waits for a second panel member's confirmation."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.people.mp,
        against=[demo.respondent()],
        rules=["RU7"],
        summary="Transphobic abuse of a trans woman member at a regional conference",
        description="At the regional conference the respondent repeatedly misgendered a delegate and told her "
        "she 'will never be a real woman'. Several delegates witnessed it.",
        days_ago=70,
        target=False,
    )
    walk.open_investigation(case, now=at(68))
    walk.issue_notice(case, now=at(66))
    walk.record_response(case, text="I was stating my beliefs, which are protected.", now=at(56))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(40))
    walk.decide(case, by=s.panel2, sanctions=[demo.sanction("suspension_membership", 60)], now=at(2))


def confirmed_suspension_from_office(demo: Demo) -> None:
    """Decided: a confirmed suspension from office, within the appeal window."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU3"],
        summary="Racist remarks about a council candidate on a local forum",
        description="On a local forum the respondent, a councillor, wrote that the candidate 'only got "
        "selected to tick a box' and should 'go back where she came from'.",
        days_ago=80,
    )
    walk.open_investigation(case, actor=s.officer2, investigator=s.officer, now=at(78))
    walk.issue_notice(case, now=at(75))
    walk.record_response(case, text="The remark was about the selection process, not her background.", now=at(65))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(45))
    walk.decide(case, by=s.panel3, sanctions=[demo.sanction("suspension_office", 180)], now=at(8))
    walk.confirm(case, by=s.panel2, now=at(7))


def informal_resolution(demo: Demo) -> None:
    """Decided: resolved informally with a formal warning, the respondent having admitted it."""
    walk, at = demo.walker, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU11"],
        summary="Insulting a volunteer at a street stall",
        description="The respondent shouted insults at a young volunteer who had set the stall up in the wrong place.",
        days_ago=25,
        unknown=0,
    )
    walk.open_investigation(case, now=at(23))
    walk.resolve_informally(
        case,
        sanction=demo.sanction("formal_warning"),
        reasons="The respondent admitted the conduct in interview.",
        now=at(3),
    )


def appeal_awaiting_panel(demo: Demo) -> None:
    """Appeal lodged; the appeal panel is not set yet."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU8"],
        summary="Mocking a disabled member's speech at a branch meeting",
        description="The respondent imitated a disabled member's speech while she was addressing the meeting.",
        days_ago=75,
        target=False,
    )
    walk.open_investigation(case, now=at(73))
    walk.issue_notice(case, now=at(70))
    walk.record_response(case, text="I was imitating the chair, not her.", now=at(61))
    walk.refer_to_panel(case, panel=[s.panel2], now=at(40))
    conditions = demo.sanction("conditions", conditions="A written apology to the member.")
    walk.decide(case, by=s.panel2, sanctions=[conditions], now=at(10))
    walk.lodge_appeal(case, grounds="The panel relied on one witness who has a grudge against me.", now=at(3))


def appeal_awaiting_decision(demo: Demo) -> None:
    """Appeal lodged and the appeal panel set; awaiting its decision."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU5", "RU9"],
        summary="Campaign of sexist messages aimed at forcing a women's officer to resign",
        description="For two months the respondent sent sexist messages and organised others to do the same, "
        "with the stated aim of forcing the women's officer out.",
        days_ago=90,
        unknown=3,
    )
    walk.open_investigation(case, now=at(88))
    walk.issue_notice(case, now=at(85))
    walk.record_response(case, text="I criticised her performance in the role; that is not harassment.", now=at(75))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(50))
    walk.decide(case, by=s.panel1, sanctions=[demo.sanction("suspension_membership", 90)], now=at(15))
    walk.confirm(case, by=s.panel3, now=at(14))
    walk.lodge_appeal(case, grounds="The panel refused to hear my witnesses.", now=at(10))
    walk.set_appeal_panel(case, now=at(8))


SCENARIOS = [
    decided_with_appeal_open,
    suspension_awaiting_confirmation,
    confirmed_suspension_from_office,
    informal_resolution,
    appeal_awaiting_panel,
    appeal_awaiting_decision,
]
