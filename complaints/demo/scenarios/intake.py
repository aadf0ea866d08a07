"""New complaints: the wave of abuse aimed at the MP, the untriaged queue, the everyday spread, dismissals."""

from complaints.demo.scenarios.base import Demo


def abuse_wave(demo: Demo) -> None:
    """Received: a wave of abuse aimed at the MP, members among the senders; one sender's case opened."""
    walk, s, at = demo.walker, demo.staff, demo.at
    wave = [demo.respondent() for _ in range(4)]
    cases = demo.file(
        by=demo.people.mp,
        against=[],
        by_handle=wave[:3],
        evidence_from=wave,
        rules=["RU1", "RU2", "RU5", "RU9"],
        summary="Wave of abuse after walking out of the party's media launch",
        description="Within hours of leaving the launch I received hundreds of abusive messages on Twitter and "
        "Facebook, many antisemitic or misogynist, one threatening to hang me. Many claim to act in the "
        "leader's name. I attach the messages from accounts I believe belong to members.",
        days_ago=3,
        unknown=12,
    )
    walk.open_investigation(cases[0], investigator=s.officer, now=at(1))


def received_untriaged(demo: Demo) -> None:
    """Received, not yet triaged: a threat and three more."""
    demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU1"],
        summary="Threatening message to a council candidate",
        description="A message to the candidate's campaign account said 'we know where your office is, "
        "watch your back'.",
        days_ago=1,
    )
    for rules, summary, days in [
        (["RU4"], "Islamophobic leaflet circulated by a member", 4),
        (["RU11", "RU12"], "Abusive e-mails to the regional office", 6),
        (["RU8"], "Disablist remarks on a branch WhatsApp group", 2),
    ]:
        demo.file(
            by=demo.complainant(),
            against=[demo.respondent()],
            rules=rules,
            summary=summary,
            description=f"{summary}. Details and screenshots are attached.",
            days_ago=days,
        )


def everyday(demo: Demo) -> None:
    """More of the everyday: a spread of rules at the early stages, two not upheld and one dismissed.

    The second officer opens each and, whoever investigates, issues the notice and refers it.
    """
    walk, s, at = demo.walker, demo.staff, demo.at
    for rules, summary, stage, days in [
        (["RU11"], "Name-calling under the council's announcement of the new ward boundaries", "received", 5),
        (["RU6"], "Homophobic joke printed in a branch newsletter", "received", 2),
        (["RU9"], "Unwanted messages after being asked to stop", "investigation", 18),
        (["RU3"], "Racist meme shared in a ward WhatsApp group", "investigation", 26),
        (["RU7"], "Transphobic posts on a member's personal blog", "awaiting_response", 16),
        (["RU10"], "Published a volunteer's mobile number on Facebook", "not_upheld", 120),
        (["RU12"], "Publicly endorsed another party's candidate", "not_upheld", 210),
        (["RU4"], "Anti-Muslim remarks at a street stall", "dismissed", 48),
    ]:
        (case,) = demo.file(
            by=demo.complainant(),
            against=[demo.respondent()],
            rules=rules,
            summary=summary,
            description=f"{summary}. Screenshots and the names of witnesses are attached.",
            days_ago=days,
        )
        if stage == "received":
            continue
        investigator = demo.rng.choice([s.officer, s.officer2])
        walk.open_investigation(case, actor=s.officer2, investigator=investigator, now=at(days - 1))
        if stage == "awaiting_response":
            walk.issue_notice(case, actor=s.officer2, now=at(days - 3))
        elif stage == "dismissed":
            walk.dismiss(
                case,
                reason_code="insufficient_evidence",
                reason="The screenshots could not be verified.",
                now=at(days - 10),
            )
        elif stage == "not_upheld":
            walk.issue_notice(case, actor=s.officer2, now=at(days - 3))
            walk.record_response(
                case, text="I deny the allegation and attach my own account of events.", now=at(days - 10)
            )
            walk.refer_to_panel(case, panel=[s.panel2], actor=s.officer2, now=at(days - 30))
            walk.decide(case, by=s.panel2, outcome="not_upheld", now=at(days - 60))
            walk.close(case, now=at(days - 61))


def dismissed_for_each_reason(demo: Demo) -> None:
    """Dismissed, once for each reason code."""
    walk, at = demo.walker, demo.at
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.people.lapsed[0]],
        rules=["RU11"],
        summary="Abusive posts by a former branch member",
        description="A former branch member posted abuse about our candidate.",
        days_ago=40,
    )
    walk.dismiss(
        case,
        reason_code="not_a_member",
        reason="The respondent's membership lapsed before the posts were made.",
        now=at(35),
    )
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU12"],
        summary="Disagreement over the branch's position on a local planning application",
        description="The respondent argued against the branch's position at a public planning meeting.",
        days_ago=65,
        unknown=0,
    )
    walk.dismiss(
        case,
        reason_code="out_of_scope",
        reason="A policy disagreement expressed civilly is not a breach of the code.",
        now=at(60),
    )
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU9"],
        summary="Alleged harassment by a rival for the branch chair",
        description="The respondent is said to have phoned members to criticise me before the branch AGM.",
        days_ago=85,
    )
    walk.open_investigation(case, now=at(83))
    walk.dismiss(
        case,
        reason_code="insufficient_evidence",
        reason="No member who was phoned confirmed the account.",
        now=at(60),
    )
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU11"],
        summary="Sarcastic comment about a councillor's speech",
        description="The respondent described my speech as 'less than inspiring' on Facebook.",
        days_ago=50,
    )
    walk.open_investigation(case, now=at(48))
    walk.dismiss(
        case,
        reason_code="no_case_to_answer",
        reason="Robust criticism of a speech is not abusive language.",
        now=at(40),
    )
    (case,) = demo.file(
        by=demo.complainant(),
        against=[demo.respondent()],
        rules=["RU9", "RU12"],
        summary="Sixth complaint about the same member in a month",
        description="The respondent is unfit to be a member.",
        days_ago=33,
        unknown=0,
    )
    walk.dismiss(
        case,
        reason_code="vexatious",
        reason="The sixth complaint in a month repeating allegations already dismissed.",
        now=at(31),
    )


SCENARIOS = [abuse_wave, received_untriaged, everyday, dismissed_for_each_reason]
