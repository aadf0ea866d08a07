"""The demo's people: regions and constituencies, members and their handles, and the demo logins.

Plain code over one `random.Random(SEED)`, so every run builds the same members in the same
places with the same handles. Names and join dates come from a second generator seeded the
same way, so that they never shift the draws that decide who files and who is complained about.

Demo members, and the logins made for them, have no e-mail address: the demo's cases are
dated in the past and its people are made up, so nobody is to be told about them. With no
address the services' notifications have nowhere to go, whatever mail backend (or task queue)
the installation uses.
"""

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from core import roles
from members.models import Constituency, Identity, Member, Region

SEED = 2016
MEMBER_COUNT = 300
DEFAULT_PASSWORD = "respect-and-unity"
MEMBER_LOGIN_NUMBER = "D0000001"
RESPONDENT_LOGIN_NUMBER = "D0000002"
STAFF_EMAIL_DOMAIN = "party.example.org"

# The regions of the abuse-wave generator, with a few of their constituencies each.
REGIONS = {
    "West Midlands": ["Stoke-on-Trent North", "Stoke-on-Trent Central", "Wolverhampton South East"],
    "London": ["Hackney North and Stoke Newington", "Islington North", "Tottenham", "Bermondsey and Old Southwark"],
    "North West": ["Liverpool Walton", "Manchester Gorton", "Wirral West", "Bolton North East"],
    "Yorkshire and the Humber": ["Leeds Central", "Sheffield Brightside", "Hull East"],
    "Scotland": ["Glasgow North East", "Edinburgh South", "Dundee West"],
    "Wales": ["Cardiff Central", "Swansea East", "Newport West", "Wrexham"],
}

FIRST_NAMES = (
    "Aaliyah Abdul Adam Aisha Alan Alice Amara Amelia Amir Andrew Angela Anil Barbara Ben Bethany Bilal Brian "
    "Callum Carol Catherine Charlotte Chloe Chris Claire Colin Connor Craig Daniel Darren David Deborah Declan "
    "Dylan Eilidh Eleanor Elliot Emily Emma Eve Farah Fiona Gareth Gemma George Georgia Grace Graham Hamza Hannah "
    "Harriet Harry Hassan Helen Holly Hugh Iain Imogen Isla Jack Jacob Jade James Jasmine Jennifer Joanne John "
    "Jordan Joseph Julie Karen Kate Kieran Kirsty Laura Leah Liam Lily Lucy Luke Lynne Mark Martin Matthew Megan "
    "Michael Mohammed Morgan Nadia Naomi Nathan Neil Nicola Niamh Oliver Owen Patricia Paul Peter Philip Priya "
    "Rachel Rebecca Rhys Richard Robert Rosie Ryan Sadia Samuel Sarah Scott Sean Shauna Simon Sophie Stephen "
    "Susan Tariq Thomas Tom Usman Victoria William Yasmin Zara Zoe"
).split()
LAST_NAMES = (
    "Ahmed Ali Allen Anderson Atkinson Bailey Baker Barnes Bell Bennett Begum Brown Campbell Carter Chapman "
    "Clarke Collins Cook Cooper Cox Davies Dixon Edwards Ellis Evans Fisher Fletcher Foster Gibson Graham Gray "
    "Green Griffiths Hall Harris Harrison Hughes Hunt Hussain Jackson James Jenkins Johnson Jones Kaur Kelly "
    "Khan King Lewis Lloyd MacDonald Marshall Martin Mason Matthews Mills Mitchell Moore Morgan Morris Murphy "
    "Murray Owen Palmer Parker Patel Phillips Powell Price Reid Richards Roberts Robertson Robinson Rogers Rose "
    "Russell Scott Shaw Simpson Singh Smith Stewart Taylor Thomas Thompson Turner Walker Ward Watson White "
    "Wilkinson Williams Wilson Wood Wright Young"
).split()
JOINED_FROM, JOINED_TO = dt.date(2005, 1, 1), dt.date(2020, 1, 1)
OFFICES, OFFICE_WEIGHTS = ["", "councillor", "branch officer", "staff"], [85, 8, 5, 2]


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
MEMBER_LOGINS = {"member": MEMBER_LOGIN_NUMBER, "respondent": RESPONDENT_LOGIN_NUMBER}


@dataclass
class People:
    """The members the scenarios draw on: who files, who is complained about, and their handles."""

    members: list[Member]
    handles: dict[int, Identity]  # member pk -> the member's one social handle
    complainants: list[Member]  # active members with no handle, in a seeded order
    respondents: list[Member]  # active members with a handle, in a seeded order
    lapsed: list[Member]
    mp: Member = field(init=False)  # the member login: an MP who receives a wave of abuse
    councillor: Member = field(init=False)  # the respondent login

    def __post_init__(self):
        self.mp, self.councillor = self.members[0], self.members[1]

    def complainant(self) -> Member:
        return self.complainants.pop()

    def respondent(self) -> Member:
        return self.respondents.pop()


def build_places() -> list[Constituency]:
    """The regions and their constituencies (kept when they exist)."""
    constituencies = []
    for region_name, names in REGIONS.items():
        region, _ = Region.objects.get_or_create(name=region_name)
        for name in names:
            constituency, _ = Constituency.objects.get_or_create(name=name, defaults={"region": region})
            constituencies.append(constituency)
    return constituencies


def _member(number: str, names: random.Random, **fields) -> Member:
    """The member with this number: the one on record (kept as it is) or a new one."""
    first, last = names.choice(FIRST_NAMES), names.choice(LAST_NAMES)
    joined = JOINED_FROM + dt.timedelta(days=names.randrange((JOINED_TO - JOINED_FROM).days + 1))
    member, _ = Member.objects.get_or_create(
        membership_number=number, defaults={"first_name": first, "last_name": last, "joined_on": joined, **fields}
    )
    return member


def _handle_root(member: Member, i: int) -> str:
    return re.sub(r"[^a-z0-9]", "", (member.first_name + member.last_name).lower())[:11] + str(i)


def _identity(member: Member, platform: str, value: str) -> Identity:
    """The member's handle on `platform`: the one on record (members kept from an earlier demo) or a new one."""
    existing = member.identities.filter(kind=Identity.Kind.HANDLE, platform=platform).first()
    return existing or Identity.objects.create(member=member, kind=Identity.Kind.HANDLE, platform=platform, value=value)


def build_members(rng: random.Random) -> People:
    """MEMBER_COUNT members D0000001.. spread over the constituencies; a quarter with a Twitter or Facebook handle."""
    constituencies = build_places()
    names = random.Random(SEED)
    members = []
    for i in range(1, MEMBER_COUNT + 1):
        members.append(
            _member(
                f"D{i:07d}",
                names,
                phone=f"+447700900{i:03d}",
                constituency=constituencies[rng.randrange(len(constituencies))],
                status=Member.Status.LAPSED if rng.random() < 0.07 else Member.Status.ACTIVE,
                offices=rng.choices(OFFICES, weights=OFFICE_WEIGHTS)[0],
            )
        )
    # The member login is an MP who receives a wave of abuse; the respondent login is a councillor.
    members[0].offices, members[1].offices = "MP", "councillor"
    for member in members[:2]:
        member.status = Member.Status.ACTIVE
        member.save(update_fields=["offices", "status", "updated_at"])
    handles: dict[int, Identity] = {}
    for i, member in enumerate(members, start=1):
        roll = rng.random()
        if i == 2 or roll < 0.25:
            root = _handle_root(member, i)
            value = rng.choice([f"@{root.capitalize()}", f"https://x.com/{root}", f" {root} "])
            handles[member.pk] = _identity(member, Identity.Platform.TWITTER, value)
        elif roll < 0.37:
            value = f"https://www.facebook.com/{member.first_name.lower()}.{member.last_name.lower()}.{i}"
            handles[member.pk] = _identity(member, Identity.Platform.FACEBOOK, value)
    rest = members[2:]
    active = [m for m in rest if m.status == Member.Status.ACTIVE]
    people = People(
        members=members,
        handles=handles,
        respondents=[m for m in active if m.pk in handles],
        complainants=[m for m in active if m.pk not in handles],
        lapsed=[m for m in rest if m.status == Member.Status.LAPSED],
    )
    rng.shuffle(people.respondents)
    rng.shuffle(people.complainants)
    return people


def _login(username: str, *, role: str = roles.MEMBER, first_name: str = "", last_name: str = ""):
    """The login of this name, created without a usable password if missing; a staff role joins its group."""
    User = get_user_model()
    email = f"{username}@{STAFF_EMAIL_DOMAIN}" if role in roles.STAFF_ROLES else ""
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name, "email": email}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if role in roles.STAFF_ROLES:
        user.groups.add(Group.objects.get(name=role))
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return user


def build_logins(password: str, members: dict[str, Member] | None = None) -> dict:
    """Create or update the demo logins, all with `password`; link the two member logins. By username.

    `members` maps membership numbers to the members just built; otherwise they are read.
    """
    users = {}
    for login in STAFF_LOGINS:
        users[login.username] = _login(
            login.username, role=login.role, first_name=login.first_name, last_name=login.last_name
        )
    for username, number in MEMBER_LOGINS.items():
        user = _login(username)
        member = (members or {}).get(number) or Member.objects.get(membership_number=number)
        if member.user_id != user.pk:
            if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
                raise CommandError(f"The login '{username}' is already linked to another member.")
            member.user = user
            member.save(update_fields=["user", "updated_at"])
        users[username] = user
    # One hash for all: the demo logins share a password, and hashing costs a third of a second.
    encoded = make_password(password)
    for user in users.values():
        user.password = encoded
        user.save(update_fields=["password"])
    return users


def login_for(member: Member):
    """A login for a member who files, responds or appeals in the demo (no usable password)."""
    if member.user_id is None:
        member.user = _login(member.membership_number.lower())
        member.save(update_fields=["user", "updated_at"])
    return member.user
