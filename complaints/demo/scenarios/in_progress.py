"""Cases on their way: at the panel, awaiting the respondent's answer, and under investigation."""

from complaints.demo.scenarios.base import Demo


def repeat_offender_at_panel(demo: Demo) -> None:
    """At the panel: the respondent of spent_suspension, whose earlier suspension is now spent."""
    walk, s, at = demo.walker, demo.staff, demo.at
    repeat, target = demo.repeat_offender
    (case,) = demo.file(
        by=target,
        against=[repeat],
        rules=["RU5"],
        summary="Further sexist messages to the same councillor",
        description="Eighteen months after his suspension the respondent has started posting about me again, "
        "calling me 'the hysterical woman'.",
        days_ago=50,
    )
    walk.open_investigation(case, now=at(49))
    walk.issue_notice(case, now=at(47))
    walk.record_response(case, text="I have not named her in any post.", now=at(40))
    walk.refer_to_panel(case, panel=s.full_panel, now=at(20))


def panel_after_lapsed_response(demo: Demo) -> None:
    """At the panel after the respondent did not answer the notice in time."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU9"],
        summary="Intimidating messages to a councillor's office staff",
        description="The respondent phoned and e-mailed my office repeatedly, telling staff they would "
        "'regret' working for me.",
        days_ago=55,
    )
    walk.open_investigation(case, now=at(54))
    walk.issue_notice(case, now=at(52))
    walk.continue_without_response(case, now=at(30))
    walk.refer_to_panel(case, panel=[s.panel3], now=at(25))


def panel_of_one(demo: Demo) -> None:
    """At the panel, a single member sitting."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU11"],
        summary="Abusive replies to the MP's post about the leadership",
        description="Under my post about the leadership election the respondent called me a 'spineless "
        "[expletive]' several times.",
        days_ago=45,
    )
    walk.open_investigation(case, now=at(44))
    walk.issue_notice(case, now=at(42))
    walk.record_response(
        case, text="I was angry about the leadership result. I apologise for the language.", now=at(33)
    )
    walk.refer_to_panel(case, panel=[s.panel2], now=at(12))


def awaiting_response(demo: Demo) -> None:
    """Awaiting response: the respondent login's notice, due in twelve days."""
    walk, at = demo.walker, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.people.councillor],
        rules=["RU10"],
        summary="Shared a screenshot showing a member's home address",
        description="In a public reply the respondent shared a screenshot of a letter that shows my home address.",
        days_ago=12,
    )
    walk.open_investigation(case, now=at(10))
    walk.issue_notice(case, now=at(2))


def awaiting_response_recent(demo: Demo) -> None:
    """Awaiting response, recent (the member login complained)."""
    walk, at = demo.walker, demo.at
    (case,) = demo.file(
        by=demo.people.mp,
        against=[demo.respondent()],
        rules=["RU5"],
        summary="Misogynist abuse in replies to the MP's interview",
        description="After my radio interview the respondent replied that I should 'stop crying for the cameras'.",
        days_ago=15,
    )
    walk.open_investigation(case, now=at(13))
    walk.issue_notice(case, now=at(4))


def awaiting_response_overdue(demo: Demo) -> None:
    """Awaiting response past its deadline: an officer may continue without a response."""
    walk, at = demo.walker, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU9"],
        summary="Repeated calls to a councillor's home",
        description="The respondent called my home number eleven times in one evening.",
        days_ago=30,
        unknown=0,
    )
    walk.open_investigation(case, now=at(28))
    walk.issue_notice(case, now=at(20))


def under_investigation(demo: Demo) -> None:
    """Under investigation: two with no notice yet (one investigated by the other officer), one answered."""
    walk, s, at = demo.walker, demo.staff, demo.at
    (case,) = demo.file(
        by=demo.people.mp,
        against=[demo.respondent()],
        rules=["RU2"],
        summary="Antisemitic conspiracy posts shared in a branch group",
        description="The respondent shared posts claiming a 'lobby' controls the MP and the media.",
        days_ago=20,
    )
    walk.open_investigation(case, now=at(16))
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU3"],
        summary="Racist comments about refugees at a public meeting",
        description="At the public meeting on the housing plan the respondent made racist comments about "
        "refugee families.",
        days_ago=22,
        target=False,
    )
    walk.open_investigation(case, actor=s.officer2, investigator=s.officer, now=at(20))
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU5"],
        summary="Sexist remarks to a young woman member at the Christmas social",
        description="The respondent made remarks about a young member's appearance and would not stop when asked.",
        days_ago=35,
    )
    walk.open_investigation(case, now=at(33))
    walk.issue_notice(case, now=at(30))
    walk.record_response(case, text="The remarks were friendly and she did not object at the time.", now=at(21))


SCENARIOS = [
    repeat_offender_at_panel,
    panel_after_lapsed_response,
    panel_of_one,
    awaiting_response,
    awaiting_response_recent,
    awaiting_response_overdue,
    under_investigation,
]
