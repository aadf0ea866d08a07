"""What every scenario works with: the demo's clock, people, staff, evidence and the case walker."""

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from complaints.demo.builders import People, login_for
from complaints.demo.walker import CaseWalker
from complaints.models import Case
from complaints.services.cases import SanctionSpec
from conduct.models import SanctionType, rules_in_force
from members.models import Identity, Member

# Sanitised examples of the conduct each category covers; {t} is the target's first name.
TEMPLATES = {
    "threat_of_violence": [
        "{t}, we know where your office is. Watch your back.",
        "Someone should string {t} up for what she did today.",
        "You will regret this, {t}. I will find you.",
    ],
    "antisemitism": [
        "{t} is loyal to a foreign power, not to this party.",
        "Everyone knows who pulls {t}'s strings in the media.",
        "{t} and her friends in the lobby are paid to smear the leader.",
    ],
    "racism": [
        "People like {t} should go back where they came from.",
        "{t} only got selected to tick a box.",
    ],
    "islamophobia": [
        "{t} and her lot want to bring sharia into the council chamber.",
        "Never trust a Muslim councillor like {t}.",
    ],
    "misogyny": [
        "{t} should stop crying for the cameras and get back in the kitchen.",
        "Hysterical woman, {t}. Nobody cares about your tears.",
    ],
    "homophobia": ["{t} and his 'partner' are a disgrace to family values.", "No gay agenda in our branch, {t}."],
    "transphobia": ["{t} will never be a real woman, whatever the party says.", "Stop pretending, {t}."],
    "disablism": ["{t} is too [ableist slur] to chair a meeting.", "Wheel {t} out of the hall, she is useless."],
    "harassment": [
        "Resign now {t}. We will be here every day until you do.",
        "{t} traitor traitor traitor.",
        "Every meeting, every post, until you quit, {t}.",
    ],
    "doxxing": [
        "Here is where {t} lives, pay her a visit: [address removed].",
        "{t}'s children go to [school removed]. Pass it on.",
    ],
    "abusive_language": [
        "{t} is a [expletive] disgrace and a traitor.",
        "Shut up {t}, you useless [expletive].",
        "What a pathetic, spineless [expletive] {t} is.",
    ],
    "other": [
        "Leaked the branch membership list to a rival campaign group.",
        "Told the local paper that {t} fiddled her expenses, without evidence.",
    ],
}
UNKNOWN_SENDERS = [
    "truthseeker1917",
    "redflagdave",
    "justsaying_88",
    "the_real_left",
    "nomorelies2016",
    "grassroots_gaz",
    "brexitbrenda",
    "anon_voice_42",
    "peoplespower_uk",
    "watchingyou_mp",
    "corbynite_kev",
    "saltire_steve",
]


@dataclass(frozen=True)
class Staff:
    """The demo's staff logins, by the names they log in with."""

    officer: object
    officer2: object
    panel1: object
    panel2: object
    panel3: object
    panel4: object

    @property
    def full_panel(self) -> list:
        return [self.panel1, self.panel2, self.panel3]


class Demo:
    """The shared state of one demo build: `now`, the seeded generator, the people and the walker.

    Scenarios run in a fixed order (SCENARIOS) and draw complainants and respondents from the same
    seeded pools, so each run builds the same cases.
    """

    def __init__(self, *, now: dt.datetime, rng: random.Random, people: People, users: dict):
        self.now, self.rng, self.people = now, rng, people
        self.staff = Staff(**{name: users[name] for name in Staff.__dataclass_fields__})
        self.walker = CaseWalker(
            officer=self.staff.officer,
            investigator=self.staff.officer2,
            panel=self.staff.full_panel,
            appeal_panel=[self.staff.panel4],
            now=now,
            login_for=login_for,
        )
        self.rules = {r.code: r for r in rules_in_force(timezone.localdate(now))}
        self._sanction_types = {s.code: s for s in SanctionType.objects.all()}
        self._ids = 1_000_000_000_000_000_000
        self.repeat_offender: tuple[Member, Member] | None = None  # (respondent, target), see closed.py

    def at(self, days_ago: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago)

    def complainant(self) -> Member:
        return self.people.complainant()

    def respondent(self) -> Member:
        return self.people.respondent()

    def sanction(self, code: str, days: int | None = None, conditions: str = "") -> SanctionSpec:
        return SanctionSpec(self._sanction_types[code], duration_days=days, conditions=conditions)

    def _next_id(self) -> int:
        self._ids += self.rng.randrange(1_000_000, 9_000_000_000)
        return self._ids

    def evidence(self, *, target: Member, rules: list[str], senders: list[Member], unknown: int, when) -> list[dict]:
        """Posts by `senders` (from their handle, or said at a meeting) and `unknown` tweets by strangers."""
        categories = [self.rules[code].category.code for code in rules]
        items = []

        def text():
            return self.rng.choice(TEMPLATES[self.rng.choice(categories)]).format(t=target.first_name)

        for sender in senders:
            identity = self.people.handles.get(sender.pk)
            for _ in range(self.rng.randint(1, 3)):
                when += dt.timedelta(minutes=self.rng.randint(3, 60))
                if identity is None:
                    items.append(
                        {"channel": "meeting", "author_name": sender.name, "text": text(), "occurred_at": when}
                    )
                    continue
                handle = identity.normalised
                if identity.platform == Identity.Platform.TWITTER:
                    url = f"https://twitter.com/{handle}/status/{self._next_id()}"
                    shown = self.rng.choice([f"@{handle}", handle.upper(), f"https://x.com/{handle}"])
                else:
                    url = f"https://www.facebook.com/{handle}/posts/{self._next_id()}"
                    shown = handle
                items.append(
                    {
                        "channel": identity.platform,
                        "author_handle": shown,
                        "author_name": sender.name,
                        "url": url,
                        "text": text(),
                        "occurred_at": when,
                    }
                )
        for _ in range(unknown):
            when += dt.timedelta(minutes=self.rng.randint(1, 20))
            handle = self.rng.choice(UNKNOWN_SENDERS)
            items.append(
                {
                    "channel": "twitter",
                    "author_handle": f"@{handle}",
                    "url": f"https://twitter.com/{handle}/status/{self._next_id()}",
                    "text": text(),
                    "occurred_at": when,
                }
            )
        return items

    def file(
        self,
        *,
        by: Member,
        against: list[Member],
        rules: list[str],
        summary: str,
        description: str,
        days_ago: float,
        target: bool = True,
        share: bool = False,
        unknown: int = 1,
        by_handle: list[Member] = (),
        evidence_from: list[Member] | None = None,
    ) -> list[Case]:
        """File a complaint as `by` `days_ago`, with evidence from the respondents (or `evidence_from`).

        Respondents are named by membership number (`against`) or by their handle (`by_handle`);
        the cases come back in that order.
        """
        filed_at = self.at(days_ago)
        incident = filed_at - dt.timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(1, 12))
        respondents = list(against)
        for member in by_handle:
            identity = self.people.handles[member.pk]
            respondents.append({"platform": identity.platform, "handle": identity.value})
        senders = list(against) + list(by_handle) if evidence_from is None else evidence_from
        complainant = login_for(by)
        cases = self.walker.file(
            complainant=complainant,
            respondents=respondents,
            rules=[self.rules[code] for code in rules],
            summary=summary,
            description=description,
            incident_date=timezone.localdate(incident),
            evidence=self.evidence(target=by, rules=rules, senders=senders, unknown=unknown, when=incident),
            complainant_is_target=target,
            share_identity_with_respondent=share,
            # The evidence names the complainant, as "she" (see TEMPLATES), whether or not they are the target.
            target_names=None if target else [by.first_name, by.last_name, by.name],
            target_pronouns=["she", "her"],
            now=filed_at,
        )
        order = {m.pk: i for i, m in enumerate(list(against) + list(by_handle))}
        return sorted(cases, key=lambda c: order.get(c.respondent_id, len(order)))
