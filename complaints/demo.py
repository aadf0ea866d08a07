"""The demo dataset of `manage.py seed_demo`: members in six regions, the demo logins, and
complaints with cases at every stage of the workflow.

Members come from the factory-boy factories (seeded, so the data is the same every
time); complaints and every later step go through the services, with `now=` set in
the past, so the case events, the sanctions' dates and the audit chain are the real
ones. Building is idempotent: once the demo complaints exist, only the demo logins'
passwords are reset.
"""

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass

import factory.random
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from complaints.models import Case, Complaint, Sanction
from complaints.services.cases import (
    Finding,
    SanctionSpec,
    case_close,
    case_confirm_decision,
    case_continue_without_response,
    case_decide,
    case_decide_appeal,
    case_dismiss,
    case_issue_notice,
    case_lodge_appeal,
    case_open_investigation,
    case_record_response,
    case_refer_to_panel,
    case_resolve_informally,
    case_set_appeal_panel,
)
from complaints.services.complaints import complaint_file
from complaints.services.standing import member_standing_refresh, sanctions_mark_spent
from conduct.models import SanctionType, rules_in_force
from core import roles
from members.models import Identity, Member
from tests.members.factories import (
    ConstituencyFactory,
    IdentityFactory,
    MemberFactory,
    RegionFactory,
    UserFactory,
)

SEED = 2016
MEMBER_COUNT = 300
DEFAULT_PASSWORD = "respect-and-unity"
MEMBER_LOGIN_NUMBER = "D0000001"
RESPONDENT_LOGIN_NUMBER = "D0000002"

# The regions of the abuse-wave generator, with a few of their constituencies each.
REGIONS = {
    "West Midlands": ["Stoke-on-Trent North", "Stoke-on-Trent Central", "Wolverhampton South East"],
    "London": ["Hackney North and Stoke Newington", "Islington North", "Tottenham", "Bermondsey and Old Southwark"],
    "North West": ["Liverpool Walton", "Manchester Gorton", "Wirral West", "Bolton North East"],
    "Yorkshire and the Humber": ["Leeds Central", "Sheffield Brightside", "Hull East"],
    "Scotland": ["Glasgow North East", "Edinburgh South", "Dundee West"],
    "Wales": ["Cardiff Central", "Swansea East", "Newport West", "Wrexham"],
}


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    description: str
    first_name: str = ""
    last_name: str = ""


LOGINS = [
    Login("officer", roles.OFFICER, "compliance officer", "Olivia", "Hart"),
    Login("officer2", roles.OFFICER, "compliance officer (investigator)", "Daniel", "Okoro"),
    Login("panel1", roles.PANEL, "panel member", "Margaret", "Lindsay"),
    Login("panel2", roles.PANEL, "panel member", "Imran", "Chaudhry"),
    Login("panel3", roles.PANEL, "panel member", "Bethan", "Rees"),
    Login("panel4", roles.PANEL, "appeal panel member", "Colin", "Fraser"),
    Login("auditor", roles.AUDITOR, "auditor (read-only)", "Hannah", "Weiss"),
    Login("member", roles.MEMBER, f"member {MEMBER_LOGIN_NUMBER}, a complainant"),
    Login("respondent", roles.MEMBER, f"member {RESPONDENT_LOGIN_NUMBER}, a respondent"),
]
STAFF_LOGINS = [login for login in LOGINS if login.role != roles.MEMBER]

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


def _handle_root(member: Member, i: int) -> str:
    return re.sub(r"[^a-z0-9]", "", (member.first_name + member.last_name).lower())[:11] + str(i)


class DemoBuilder:
    """Builds the demo in one transaction; the `now` of every step is `self.now` minus some days."""

    def __init__(self, *, password: str, now: dt.datetime | None = None):
        self.password = password
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.rng = random.Random(SEED)
        self._ids = 1_000_000_000_000_000_000
        self._login_members: dict[str, Member] = {}

    # --- entry points ------------------------------------------------------------

    def exists(self) -> bool:
        """The demo marker: the officer login and complaints filed by the demo member login."""
        User = get_user_model()
        return (
            User.objects.filter(username="officer").exists()
            and Complaint.objects.filter(filed_by__username="member").exists()
        )

    def run(self) -> bool:
        """Create the demo unless it exists; always (re)set the demo logins. True when data was created.

        The services' notification e-mails go nowhere: the demo's addresses are made up, and the
        e-mails are sent when the transaction commits, so the backend is swapped around all of it.
        """
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            return self._run()

    def _run(self) -> bool:
        with transaction.atomic():
            if self.exists():
                self._logins()
                return False
            factory.random.reseed_random(SEED)
            self._members()
            self._logins()
            self._rules = {r.code: r for r in rules_in_force(timezone.localdate(self.now))}
            self._sanction_types = {s.code: s for s in SanctionType.objects.all()}
            self._complaints()
            self._finish()
            return True

    # --- members and logins ----------------------------------------------------------

    def _members(self) -> None:
        rng = self.rng
        constituencies = []
        for region_name, names in REGIONS.items():
            region = RegionFactory(name=region_name)
            constituencies += [ConstituencyFactory(name=name, region=region) for name in names]
        offices = ["", "councillor", "branch officer", "staff"]
        self.members: list[Member] = []
        for i in range(1, MEMBER_COUNT + 1):
            member = MemberFactory(
                membership_number=f"D{i:07d}",
                phone=f"+447700900{i:03d}",
                constituency=constituencies[rng.randrange(len(constituencies))],
                status=Member.Status.LAPSED if rng.random() < 0.07 else Member.Status.ACTIVE,
                offices=rng.choices(offices, weights=[85, 8, 5, 2])[0],
            )
            self.members.append(member)
        # The member login is an MP who receives a wave of abuse; the respondent login is a councillor.
        self.members[0].offices = "MP"
        self.members[0].status = Member.Status.ACTIVE
        self.members[1].offices = "councillor"
        self.members[1].status = Member.Status.ACTIVE
        for member in self.members[:2]:
            member.save(update_fields=["offices", "status", "updated_at"])
        self.handles: dict[int, Identity] = {}
        for i, member in enumerate(self.members, start=1):
            roll = rng.random()
            if i == 2 or roll < 0.25:
                root = _handle_root(member, i)
                value = rng.choice([f"@{root.capitalize()}", f"https://x.com/{root}", f" {root} "])
                self.handles[member.pk] = self._identity(member, Identity.Platform.TWITTER, value)
            elif roll < 0.37:
                value = f"https://www.facebook.com/{member.first_name.lower()}.{member.last_name.lower()}.{i}"
                self.handles[member.pk] = self._identity(member, Identity.Platform.FACEBOOK, value)
        member_login, respondent_login = self.members[0], self.members[1]
        rest = self.members[2:]
        active = [m for m in rest if m.status == Member.Status.ACTIVE]
        self._respondents = [m for m in active if m.pk in self.handles]
        self._complainants = [m for m in active if m.pk not in self.handles]
        self._lapsed = [m for m in rest if m.status == Member.Status.LAPSED]
        rng.shuffle(self._respondents)
        rng.shuffle(self._complainants)
        self.mp, self.councillor = member_login, respondent_login
        self._login_members = {MEMBER_LOGIN_NUMBER: member_login, RESPONDENT_LOGIN_NUMBER: respondent_login}

    @staticmethod
    def _identity(member: Member, platform: str, value: str) -> Identity:
        """The member's handle on `platform`: the one on record (members kept from an earlier demo) or a new one."""
        existing = member.identities.filter(kind=Identity.Kind.HANDLE, platform=platform).first()
        return existing or IdentityFactory(member=member, kind=Identity.Kind.HANDLE, platform=platform, value=value)

    def _logins(self) -> None:
        """Create or update the demo logins, with `self.password`; link the member logins."""
        self.users = {}
        for login in STAFF_LOGINS:
            user = UserFactory(
                username=login.username,
                password=None,
                roles=[login.role],
                first_name=login.first_name,
                last_name=login.last_name,
            )
            self.users[login.username] = user
        for username, number in (("member", MEMBER_LOGIN_NUMBER), ("respondent", RESPONDENT_LOGIN_NUMBER)):
            user = UserFactory(username=username, password=None)
            member = self._login_members.get(number) or Member.objects.get(membership_number=number)
            if member.user_id != user.pk:
                if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
                    raise CommandError(f"The login '{username}' is already linked to another member.")
                member.user = user
                member.save(update_fields=["user", "updated_at"])
            self.users[username] = user
        # One hash for all: the demo logins share a password, and hashing costs a third of a second.
        encoded = make_password(self.password)
        for user in self.users.values():
            user.password = encoded
            user.save(update_fields=["password"])

    def _login_for(self, member: Member):
        """A login for a member who files, responds or appeals (no usable password)."""
        if member.user_id is None:
            member.user = UserFactory(username=member.membership_number.lower(), password=None)
            member.save(update_fields=["user", "updated_at"])
        return member.user

    def complainant(self) -> Member:
        return self._complainants.pop()

    def respondent(self) -> Member:
        return self._respondents.pop()

    # --- the steps of a case ---------------------------------------------------------

    def at(self, days_ago: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago)

    def _next_id(self) -> int:
        self._ids += self.rng.randrange(1_000_000, 9_000_000_000)
        return self._ids

    def _evidence(self, *, target: Member, rules: list[str], senders: list[Member], unknown: int, when) -> list[dict]:
        categories = [self._rules[code].category.code for code in rules]
        items = []

        def text():
            return self.rng.choice(TEMPLATES[self.rng.choice(categories)]).format(t=target.first_name)

        for sender in senders:
            identity = self.handles.get(sender.pk)
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
        """File a complaint as `by`; respondents named by membership number (or handle). Returns its cases."""
        filed_at = self.at(days_ago)
        incident = filed_at - dt.timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(1, 12))
        respondents = [{"membership_number": m.membership_number} for m in against]
        for m in by_handle:
            identity = self.handles[m.pk]
            respondents.append({"platform": identity.platform, "handle": identity.value})
        senders = list(against) + list(by_handle) if evidence_from is None else evidence_from
        complaint = complaint_file(
            actor=self._login_for(by),
            summary=summary,
            description=description,
            incident_date=timezone.localdate(incident),
            rules=[self._rules[code] for code in rules],
            complainant_is_target=target,
            share_identity_with_respondent=share,
            respondents=respondents,
            evidence=self._evidence(target=by, rules=rules, senders=senders, unknown=unknown, when=incident),
            now=filed_at,
        )
        order = {m.pk: i for i, m in enumerate(list(against) + list(by_handle))}
        return sorted(complaint.cases.all(), key=lambda c: order.get(c.respondent_id, len(order)))

    @staticmethod
    def _fresh(case: Case) -> Case:
        return Case.objects.get(pk=case.pk)

    def open(self, case, days_ago, *, actor="officer", investigator="officer2") -> Case:
        case = self._fresh(case)
        return case_open_investigation(
            case=case,
            actor=self.users[actor],
            version=case.version,
            investigator=self.users[investigator],
            now=self.at(days_ago),
        )

    def notice(self, case, days_ago, *, actor="officer2") -> Case:
        case = self._fresh(case)
        rules = list(case.complaint.rules.all())
        allegations = (
            f"It is alleged that between {case.complaint.incident_date:%d %B %Y} and the date of the complaint you "
            f"breached {', '.join(r.code for r in rules)} of the Respect and Unity code: "
            f"{case.complaint.summary[0].lower()}{case.complaint.summary[1:]}."
        )
        return case_issue_notice(
            case=case,
            actor=self.users[actor],
            version=case.version,
            allegations=allegations,
            rules=rules,
            now=self.at(days_ago),
        )

    def respond(self, case, days_ago, text, *, actor=None) -> None:
        case = self._fresh(case)
        user = self.users[actor] if actor else self._login_for(case.respondent)
        case_record_response(case=case, actor=user, version=case.version, text=text, now=self.at(days_ago))

    def continue_without_response(self, case, days_ago, *, actor="officer2") -> Case:
        case = self._fresh(case)
        return case_continue_without_response(
            case=case, actor=self.users[actor], version=case.version, now=self.at(days_ago)
        )

    def refer(self, case, days_ago, panel, *, actor="officer2", report="") -> Case:
        case = self._fresh(case)
        report = report or (
            f"Investigation report on {case.reference}. The investigator reviewed {case.evidence_count} item(s) of "
            "evidence, the complainant's account and the respondent's response (if any), and recommends that the "
            "panel consider the allegations as charged."
        )
        return case_refer_to_panel(
            case=case,
            actor=self.users[actor],
            version=case.version,
            report=report,
            panel=[self.users[u] for u in panel],
            now=self.at(days_ago),
        )

    def spec(self, code, days=None, conditions="") -> SanctionSpec:
        return SanctionSpec(self._sanction_types[code], duration_days=days, conditions=conditions)

    def decide(
        self,
        case,
        days_ago,
        *,
        by,
        sanctions=(),
        outcome="upheld",
        not_breached=(),
        reasons="",
        departure_reason="",
    ):
        case = self._fresh(case)
        findings = [Finding(rule, rule.code not in not_breached) for rule in case.rules_charged.all()]
        if outcome == "not_upheld":
            findings = [Finding(f.rule, False) for f in findings]
        reasons = reasons or (
            "Having read the evidence and the respondent's response, the panel finds the conduct proven on the "
            "balance of probabilities and imposes the sanction below."
            if outcome == "upheld"
            else "The panel is not satisfied on the balance of probabilities that the conduct occurred as alleged."
        )
        return case_decide(
            case=case,
            actor=self.users[by],
            version=case.version,
            findings=findings,
            outcome=outcome,
            sanctions=list(sanctions),
            reasons=reasons,
            departure_reason=departure_reason,
            now=self.at(days_ago),
        )

    def confirm(self, case, days_ago, *, by):
        case = self._fresh(case)
        return case_confirm_decision(case=case, actor=self.users[by], version=case.version, now=self.at(days_ago))

    def appeal(self, case, days_ago, grounds):
        case = self._fresh(case)
        user = self._login_for(case.respondent)
        return case_lodge_appeal(case=case, actor=user, version=case.version, grounds=grounds, now=self.at(days_ago))

    def appeal_panel(self, case, days_ago, panel=("panel4",), *, actor="officer"):
        case = self._fresh(case)
        return case_set_appeal_panel(
            case=case,
            actor=self.users[actor],
            version=case.version,
            panel=[self.users[u] for u in panel],
            now=self.at(days_ago),
        )

    def decide_appeal(self, case, days_ago, outcome, reasons, *, by="panel4", sanctions=None):
        case = self._fresh(case)
        return case_decide_appeal(
            case=case,
            actor=self.users[by],
            version=case.version,
            outcome=outcome,
            reasons=reasons,
            sanctions=sanctions,
            now=self.at(days_ago),
        )

    def close(self, case, days_ago=0, *, actor="officer"):
        case = self._fresh(case)
        return case_close(case=case, actor=self.users[actor], version=case.version, now=self.at(days_ago))

    def dismiss(self, case, days_ago, code, reason, *, actor="officer"):
        case = self._fresh(case)
        return case_dismiss(
            case=case,
            actor=self.users[actor],
            version=case.version,
            reason_code=code,
            reason=reason,
            now=self.at(days_ago),
        )

    def informal(self, case, days_ago, sanction, reasons, *, actor="officer2"):
        case = self._fresh(case)
        return case_resolve_informally(
            case=case,
            actor=self.users[actor],
            version=case.version,
            sanction=sanction,
            reasons=reasons,
            now=self.at(days_ago),
        )

    # --- the complaints ----------------------------------------------------------------

    def _complaints(self) -> None:
        mp, councillor = self.mp, self.councillor
        full_panel = ["panel1", "panel2", "panel3"]

        # Closed, long ago: a 30-day suspension of membership, now spent. The respondent offends again (panel).
        repeat, repeat_target = self.respondent(), self.complainant()
        (case,) = self.file(
            by=repeat_target,
            against=[repeat],
            rules=["RU5"],
            summary="Sexist abuse of a woman councillor on Twitter after a budget vote",
            description="After the council budget vote he posted a series of messages mocking me as hysterical "
            "and telling me to go back to the kitchen. Screenshots attached.",
            days_ago=460,
        )
        self.open(case, 455)
        self.notice(case, 450)
        self.respond(case, 440, "I accept the posts were intemperate. I have deleted them.")
        self.refer(case, 420, full_panel)
        self.decide(case, 400, by="panel1", sanctions=[self.spec("suspension_membership", 30)])
        self.confirm(case, 399, by="panel2")
        self.close(case, 370)

        # Closed: an active six-month suspension (the member login was the target).
        (case,) = self.file(
            by=mp,
            against=[self.respondent()],
            rules=["RU2"],
            summary="Antisemitic posts about the MP on a constituency Facebook group",
            description="A member posted that I am 'loyal to a foreign power, not to this party' and shared a "
            "cartoon drawing on antisemitic tropes. Several other members reacted and shared it.",
            days_ago=150,
        )
        self.open(case, 146, actor="officer", investigator="officer")
        self.notice(case, 140, actor="officer")
        self.respond(case, 130, "The post was about foreign policy, not about her religion.")
        self.refer(case, 100, full_panel, actor="officer")
        self.decide(case, 60, by="panel2", sanctions=[self.spec("suspension_membership", 180)])
        self.confirm(case, 59, by="panel3")
        self.close(case, 0)

        # Closed: expulsion for a threat of violence.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU1"],
            summary="Threat to hang a member of the shadow cabinet, posted on Facebook",
            description="A Facebook message said she 'should hang' for her speech. The message was passed to the "
            "police. The sender is a member of my branch.",
            days_ago=130,
            unknown=0,
        )
        self.open(case, 129)
        self.notice(case, 127)
        self.continue_without_response(case, 110)
        self.refer(case, 105, full_panel)
        self.decide(case, 90, by="panel3", sanctions=[self.spec("expulsion")])
        self.confirm(case, 89, by="panel1")
        self.close(case, 60)

        # Closed: a reminder of conduct for abusive language.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU11"],
            summary="Swearing at a fellow member during a branch meeting",
            description="During the selection debate he called the branch secretary a 'useless [expletive]' in "
            "front of forty members.",
            days_ago=170,
        )
        self.open(case, 168, actor="officer2", investigator="officer")
        self.notice(case, 165, actor="officer")
        self.respond(case, 160, "I apologise. It was a heated meeting.")
        self.refer(case, 140, ["panel1"], actor="officer")
        self.decide(case, 120, by="panel1", sanctions=[self.spec("reminder")])
        self.close(case, 95)

        # Closed: a formal warning for harassment; the abusive-language charge was not proven.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU9", "RU11"],
            summary="Repeated messages demanding a councillor resign",
            description="Over three weeks I received dozens of messages telling me to resign, some calling me a "
            "traitor. They stopped only when I blocked the account.",
            days_ago=260,
            unknown=2,
        )
        self.open(case, 258)
        self.notice(case, 255)
        self.respond(case, 245, "I was exercising my right to criticise an elected representative.")
        self.refer(case, 230, ["panel2"])
        self.decide(case, 200, by="panel2", sanctions=[self.spec("formal_warning")], not_breached=["RU11"])
        self.close(case, 150)

        # Closed: not upheld.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU3"],
            summary="Alleged racist remark at a canvassing session",
            description="A fellow canvasser is said to have made a racist remark about a resident. I was told "
            "about it by another volunteer.",
            days_ago=110,
            target=False,
            unknown=0,
        )
        self.open(case, 108)
        self.notice(case, 105)
        self.respond(case, 95, "I deny this. Two other canvassers were with me all afternoon.")
        self.refer(case, 70, ["panel3"])
        self.decide(case, 45, by="panel3", outcome="not_upheld")
        self.close(case, 44)

        # Closed on appeal: appeal dismissed, the conditions stand (the member login was the target).
        (case,) = self.file(
            by=mp,
            against=[self.respondent()],
            rules=["RU4"],
            summary="Islamophobic comments about a Muslim councillor",
            description="In a WhatsApp group for ward organisers a member wrote that our councillor 'wants to "
            "bring sharia into the council chamber'. The group has eighty members.",
            days_ago=140,
        )
        self.open(case, 138)
        self.notice(case, 135)
        self.respond(case, 125, "It was a joke taken out of context.")
        self.refer(case, 115, ["panel1"])
        self.decide(
            case,
            100,
            by="panel1",
            sanctions=[self.spec("conditions", conditions="A written apology and removal of the messages.")],
        )
        self.appeal(case, 90, "The panel did not consider that the group was private.")
        self.appeal_panel(case, 85)
        self.decide_appeal(case, 70, "dismissed", "A private group of eighty members is not private conduct.")

        # Closed on appeal: the suspension from office is overturned.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU10"],
            summary="Home address of a councillor shared in a campaign group",
            description="A screenshot showing my home address was posted in a campaign group with the words "
            "'pay her a visit'.",
            days_ago=95,
        )
        self.open(case, 93)
        self.notice(case, 90)
        self.respond(case, 80, "I did not post it; my account was used by someone else at a party event.")
        self.refer(case, 65, full_panel)
        self.decide(case, 50, by="panel1", sanctions=[self.spec("suspension_office", 90)])
        self.confirm(case, 49, by="panel3")
        self.appeal(case, 45, "New evidence: the device logs show the post was made from another phone.")
        self.appeal_panel(case, 44)
        self.decide_appeal(
            case, 30, "upheld", "The new evidence shows the respondent did not make the post; the sanction falls."
        )

        # Closed on appeal: a suspension of membership varied to a formal warning.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU6"],
            summary="Homophobic remarks about a candidate in a hustings",
            description="During the hustings Q&A a member told the candidate that his 'lifestyle' made him unfit "
            "to represent families.",
            days_ago=120,
            unknown=0,
        )
        self.open(case, 118)
        self.notice(case, 116)
        self.respond(case, 106, "I regret the words I used and have apologised to the candidate.")
        self.refer(case, 95, full_panel)
        self.decide(case, 80, by="panel2", sanctions=[self.spec("suspension_membership", 120)])
        self.confirm(case, 79, by="panel1")
        self.appeal(case, 70, "The sanction is disproportionate for a first offence followed by an apology.")
        self.appeal_panel(case, 68)
        self.decide_appeal(
            case,
            55,
            "varied",
            "The apology and the respondent's record justify a lesser sanction.",
            sanctions=[
                self.spec("conditions", conditions="Mandatory equality training and a public apology."),
            ],
        )

        # Closed: a formal warning outside the guidance range, with the stated reason.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU12"],
            summary="Leaked the branch membership list to a rival campaign",
            description="The branch membership list, with phone numbers, appeared in a rival group's mailing. "
            "Only the respondent and the secretary had a copy.",
            days_ago=190,
            target=False,
            unknown=0,
        )
        self.open(case, 188)
        self.notice(case, 185)
        self.respond(case, 176, "I shared it with one friend, not with the campaign.")
        self.refer(case, 165, ["panel3"])
        self.decide(
            case,
            150,
            by="panel3",
            sanctions=[self.spec("formal_warning")],
            departure_reason="Members' personal data was exposed; a reminder would not reflect the harm done.",
        )
        self.close(case, 120)

        # Closed: resolved informally with a reminder of conduct.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU11"],
            summary="Rude replies to constituents on the branch Facebook page",
            description="The branch's page moderator replied to constituents' questions with insults.",
            days_ago=140,
            target=False,
        )
        self.open(case, 138)
        self.notice(case, 136)
        self.respond(case, 130, "I accept I was rude and will step back from moderating.", actor="officer2")
        self.informal(case, 125, self.spec("reminder"), "The respondent accepted the conduct and apologised.")
        self.close(case, 100)

        # Decided, within the appeal window: the respondent login's formal warning.
        (case,) = self.file(
            by=self.complainant(),
            against=[councillor],
            rules=["RU9"],
            summary="Online pile-on against a branch secretary",
            description="The respondent encouraged followers to message the branch secretary 'until she quits'. "
            "She received hundreds of messages.",
            days_ago=60,
        )
        self.open(case, 58)
        self.notice(case, 55)
        self.respond(case, 45, "I never asked anyone to message her; I shared a post criticising her decisions.")
        self.refer(case, 30, ["panel1"])
        self.decide(case, 5, by="panel1", sanctions=[self.spec("formal_warning")])

        # Decided: a suspension of membership awaiting a second panel member's confirmation.
        (case,) = self.file(
            by=mp,
            against=[self.respondent()],
            rules=["RU7"],
            summary="Transphobic abuse of a trans woman member at a regional conference",
            description="At the regional conference the respondent repeatedly misgendered a delegate and told her "
            "she 'will never be a real woman'. Several delegates witnessed it.",
            days_ago=70,
            target=False,
        )
        self.open(case, 68)
        self.notice(case, 66)
        self.respond(case, 56, "I was stating my beliefs, which are protected.")
        self.refer(case, 40, full_panel)
        self.decide(case, 2, by="panel2", sanctions=[self.spec("suspension_membership", 60)])

        # Decided: a confirmed suspension from office, within the appeal window.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU3"],
            summary="Racist remarks about a council candidate on a local forum",
            description="On a local forum the respondent, a councillor, wrote that the candidate 'only got "
            "selected to tick a box' and should 'go back where she came from'.",
            days_ago=80,
        )
        self.open(case, 78, actor="officer2", investigator="officer")
        self.notice(case, 75, actor="officer")
        self.respond(case, 65, "The remark was about the selection process, not her background.")
        self.refer(case, 45, full_panel, actor="officer")
        self.decide(case, 8, by="panel3", sanctions=[self.spec("suspension_office", 180)])
        self.confirm(case, 7, by="panel2")

        # Decided: resolved informally with a formal warning.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU11"],
            summary="Insulting a volunteer at a street stall",
            description="The respondent shouted insults at a young volunteer who had set the stall up in the "
            "wrong place.",
            days_ago=25,
            unknown=0,
        )
        self.open(case, 23)
        self.informal(case, 3, self.spec("formal_warning"), "The respondent admitted the conduct in interview.")

        # Appeal lodged, appeal panel not yet set.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU8"],
            summary="Mocking a disabled member's speech at a branch meeting",
            description="The respondent imitated a disabled member's speech while she was addressing the meeting.",
            days_ago=75,
            target=False,
        )
        self.open(case, 73)
        self.notice(case, 70)
        self.respond(case, 61, "I was imitating the chair, not her.")
        self.refer(case, 40, ["panel2"])
        self.decide(
            case,
            10,
            by="panel2",
            sanctions=[self.spec("conditions", conditions="A written apology to the member.")],
        )
        self.appeal(case, 3, "The panel relied on one witness who has a grudge against me.")

        # Appeal lodged and the appeal panel set; awaiting its decision.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU5", "RU9"],
            summary="Campaign of sexist messages aimed at forcing a women's officer to resign",
            description="For two months the respondent sent sexist messages and organised others to do the same, "
            "with the stated aim of forcing the women's officer out.",
            days_ago=90,
            unknown=3,
        )
        self.open(case, 88)
        self.notice(case, 85)
        self.respond(case, 75, "I criticised her performance in the role; that is not harassment.")
        self.refer(case, 50, full_panel)
        self.decide(case, 15, by="panel1", sanctions=[self.spec("suspension_membership", 90)])
        self.confirm(case, 14, by="panel3")
        self.appeal(case, 10, "The panel refused to hear my witnesses.")
        self.appeal_panel(case, 8)

        # At the panel: the repeat offender, whose earlier suspension is now spent.
        (case,) = self.file(
            by=repeat_target,
            against=[repeat],
            rules=["RU5"],
            summary="Further sexist messages to the same councillor",
            description="Eighteen months after his suspension the respondent has started posting about me again, "
            "calling me 'the hysterical woman'.",
            days_ago=50,
        )
        self.open(case, 49)
        self.notice(case, 47)
        self.respond(case, 40, "I have not named her in any post.")
        self.refer(case, 20, full_panel)

        # At the panel after the respondent did not answer the notice in time.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU9"],
            summary="Intimidating messages to a councillor's office staff",
            description="The respondent phoned and e-mailed my office repeatedly, telling staff they would "
            "'regret' working for me.",
            days_ago=55,
        )
        self.open(case, 54)
        self.notice(case, 52)
        self.continue_without_response(case, 30)
        self.refer(case, 25, ["panel3"])

        # At the panel (single member).
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU11"],
            summary="Abusive replies to the MP's post about the leadership",
            description="Under my post about the leadership election the respondent called me a 'spineless "
            "[expletive]' several times.",
            days_ago=45,
        )
        self.open(case, 44)
        self.notice(case, 42)
        self.respond(case, 33, "I was angry about the leadership result. I apologise for the language.")
        self.refer(case, 12, ["panel2"])

        # Awaiting response: the respondent login's notice, due in twelve days.
        (case,) = self.file(
            by=self.complainant(),
            against=[councillor],
            rules=["RU10"],
            summary="Shared a screenshot showing a member's home address",
            description="In a public reply the respondent shared a screenshot of a letter that shows my home address.",
            days_ago=12,
        )
        self.open(case, 10)
        self.notice(case, 2)

        # Awaiting response, recent.
        (case,) = self.file(
            by=mp,
            against=[self.respondent()],
            rules=["RU5"],
            summary="Misogynist abuse in replies to the MP's interview",
            description="After my radio interview the respondent replied that I should 'stop crying for the cameras'.",
            days_ago=15,
        )
        self.open(case, 13)
        self.notice(case, 4)

        # Awaiting response, past its deadline: an officer may continue without a response.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU9"],
            summary="Repeated calls to a councillor's home",
            description="The respondent called my home number eleven times in one evening.",
            days_ago=30,
            unknown=0,
        )
        self.open(case, 28)
        self.notice(case, 20)

        # Under investigation.
        (case,) = self.file(
            by=mp,
            against=[self.respondent()],
            rules=["RU2"],
            summary="Antisemitic conspiracy posts shared in a branch group",
            description="The respondent shared posts claiming a 'lobby' controls the MP and the media.",
            days_ago=20,
        )
        self.open(case, 16)
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU3"],
            summary="Racist comments about refugees at a public meeting",
            description="At the public meeting on the housing plan the respondent made racist comments about "
            "refugee families.",
            days_ago=22,
            target=False,
        )
        self.open(case, 20, actor="officer2", investigator="officer")
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU5"],
            summary="Sexist remarks to a young woman member at the Christmas social",
            description="The respondent made remarks about a young member's appearance and would not stop when asked.",
            days_ago=35,
        )
        self.open(case, 33)
        self.notice(case, 30)
        self.respond(case, 21, "The remarks were friendly and she did not object at the time.")

        # Received: the wave of abuse aimed at the MP, with members among the senders.
        wave = [self.respondent() for _ in range(4)]
        cases = self.file(
            by=mp,
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
        self.open(cases[0], 1, actor="officer", investigator="officer")

        # Received, not yet triaged.
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
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
            self.file(
                by=self.complainant(),
                against=[self.respondent()],
                rules=rules,
                summary=summary,
                description=f"{summary}. Details and screenshots are attached.",
                days_ago=days,
            )

        # More of the everyday: a spread of rules at the early stages, and two complaints not upheld.
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
            (case,) = self.file(
                by=self.complainant(),
                against=[self.respondent()],
                rules=rules,
                summary=summary,
                description=f"{summary}. Screenshots and the names of witnesses are attached.",
                days_ago=days,
            )
            if stage == "received":
                continue
            self.open(case, days - 1, actor="officer2", investigator=self.rng.choice(["officer", "officer2"]))
            if stage == "awaiting_response":
                self.notice(case, days - 3)
            elif stage == "dismissed":
                self.dismiss(case, days - 10, "insufficient_evidence", "The screenshots could not be verified.")
            elif stage == "not_upheld":
                self.notice(case, days - 3)
                self.respond(case, days - 10, "I deny the allegation and attach my own account of events.")
                self.refer(case, days - 30, ["panel2"])
                self.decide(case, days - 60, by="panel2", outcome="not_upheld")
                self.close(case, days - 61)

        # Dismissed, one per reason code.
        lapsed = self._lapsed[0]
        (case,) = self.file(
            by=self.complainant(),
            against=[lapsed],
            rules=["RU11"],
            summary="Abusive posts by a former branch member",
            description="A former branch member posted abuse about our candidate.",
            days_ago=40,
        )
        self.dismiss(case, 35, "not_a_member", "The respondent's membership lapsed before the posts were made.")
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU12"],
            summary="Disagreement over the branch's position on a local planning application",
            description="The respondent argued against the branch's position at a public planning meeting.",
            days_ago=65,
            unknown=0,
        )
        self.dismiss(case, 60, "out_of_scope", "A policy disagreement expressed civilly is not a breach of the code.")
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU9"],
            summary="Alleged harassment by a rival for the branch chair",
            description="The respondent is said to have phoned members to criticise me before the branch AGM.",
            days_ago=85,
        )
        self.open(case, 83)
        self.dismiss(case, 60, "insufficient_evidence", "No member who was phoned confirmed the account.")
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU11"],
            summary="Sarcastic comment about a councillor's speech",
            description="The respondent described my speech as 'less than inspiring' on Facebook.",
            days_ago=50,
        )
        self.open(case, 48)
        self.dismiss(case, 40, "no_case_to_answer", "Robust criticism of a speech is not abusive language.")
        (case,) = self.file(
            by=self.complainant(),
            against=[self.respondent()],
            rules=["RU9", "RU12"],
            summary="Sixth complaint about the same member in a month",
            description="The respondent is unfit to be a member.",
            days_ago=33,
            unknown=0,
        )
        self.dismiss(case, 31, "vexatious", "The sixth complaint in a month repeating allegations already dismissed.")

    def _finish(self) -> None:
        """Store spent sanctions and bring every member's standing up to today."""
        today = timezone.localdate(self.now)
        sanctions_mark_spent(today=today)
        member_ids = set(Sanction.objects.values_list("member_id", flat=True))
        for member in Member.objects.filter(pk__in=member_ids):
            member_standing_refresh(member=member, today=today)

    # --- the summary ---------------------------------------------------------------------


def demo_summary() -> dict:
    """Counts for the end of the command: members, complaints, cases and sanctions by status."""
    today = timezone.localdate()
    sanctions = Counter(s.effective_status(today) for s in Sanction.objects.only("status", "ends_on"))
    return {
        "members": Member.objects.count(),
        "identities": Identity.objects.count(),
        "complaints": Complaint.objects.count(),
        "cases": Case.objects.count(),
        "cases_by_status": {status: Case.objects.filter(status=status).count() for status in Case.Status.values},
        "sanctions_by_status": {status: sanctions.get(status, 0) for status in Sanction.Status.values},
    }
