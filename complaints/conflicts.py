"""Conflicts of interest, written once.

A staff user is conflicted with a case when a party to it (the respondent or the
complainant) is themselves, shares their constituency, or is named by one of their
declarations (a member, or a whole constituency). `RULES` states that once, as
(reason, the party's path on Case, which of the user's ties it is compared with);
`conflict_reason` reads it over one case in Python and `conflicts_q` turns it into a
queryset filter, so the triage queue, the admin and the services cannot disagree.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q

from complaints.models import Case, ConflictDeclaration
from core.roles import member_of


@dataclass(frozen=True)
class Ties:
    """What a user is tied to: their own member record and constituency, and what they declared."""

    me: frozenset = frozenset()
    my_constituency: frozenset = frozenset()
    declared_members: dict | None = None  # member id -> declared reason
    declared_constituencies: dict | None = None  # constituency id -> declared reason


def ties_of(user) -> Ties:
    """The ties of `user` (one query for their declarations)."""
    me = member_of(user)
    members, constituencies = {}, {}
    if user is not None and getattr(user, "is_authenticated", False):
        for member_id, constituency_id, reason in ConflictDeclaration.objects.filter(user=user).values_list(
            "member_id", "constituency_id", "reason"
        ):
            if member_id:
                members.setdefault(member_id, reason)
            if constituency_id:
                constituencies.setdefault(constituency_id, reason)
    return Ties(
        me=frozenset([me.pk]) if me is not None else frozenset(),
        my_constituency=frozenset([me.constituency_id]) if me is not None and me.constituency_id else frozenset(),
        declared_members=members,
        declared_constituencies=constituencies,
    )


# (reason, the party's path on Case, the tie it is compared with), in the order reasons are given.
RULES: tuple[tuple[str, str, str], ...] = (
    ("you are the respondent", "respondent_id", "me"),
    ("you are the complainant", "complaint__complainant_id", "me"),
    (
        "you are a member of the same constituency as a party to the case",
        "respondent__constituency_id",
        "my_constituency",
    ),
    (
        "you are a member of the same constituency as a party to the case",
        "complaint__complainant__constituency_id",
        "my_constituency",
    ),
    ("declared conflict ({declared})", "respondent_id", "declared_members"),
    ("declared conflict ({declared})", "complaint__complainant_id", "declared_members"),
    ("declared conflict ({declared})", "respondent__constituency_id", "declared_constituencies"),
    ("declared conflict ({declared})", "complaint__complainant__constituency_id", "declared_constituencies"),
)


def _walk(case, path: str):
    """The value at `path` (Django's `a__b_id` notation) on an in-memory case; None past a missing link."""
    value = case
    for part in path.split("__"):
        if value is None:
            return None
        try:
            value = getattr(value, part)
        except ObjectDoesNotExist:  # an unsaved Case(complaint=...) standing for a complaint with no case yet
            return None
    return value


def conflict_reason(user, case, ties: Ties | None = None) -> str | None:
    """Why `user` may not act on `case`, in words, or None when they have no conflict."""
    ties = ties if ties is not None else ties_of(user)
    for reason, path, tie in RULES:
        value = _walk(case, path)
        held = getattr(ties, tie)
        if value is not None and value in held:
            declared = held[value] if isinstance(held, dict) else ""
            return reason.format(declared=declared)
    return None


def conflicts_q(user, ties: Ties | None = None, prefix: str = "") -> Q:
    """The cases `user` is conflicted with, as a filter on Case (or on a model reaching Case by `prefix`)."""
    ties = ties if ties is not None else ties_of(user)
    q = Q(pk__in=[])
    for _reason, path, tie in RULES:
        held = getattr(ties, tie)
        if held:
            q |= Q(**{f"{prefix}{path}__in": sorted(held)})
    return q


def complaint_conflict_reason(user, complaint, ties: Ties | None = None) -> str | None:
    """Why `user` may not act on or read `complaint`, or None: the same rules, over every case it holds.

    A complaint carries every respondent of its cases, so staff conflicted with any of
    its cases (or with its complainant, before any case exists) are conflicted with it.
    """
    ties = ties if ties is not None else ties_of(user)
    cases = list(complaint.cases.select_related("respondent", "complaint__complainant"))
    for case in cases:
        reason = conflict_reason(user, case, ties)
        if reason:
            return reason
    if not cases:  # only the complainant is a party yet
        for reason, path, tie in RULES:
            if path.startswith("complaint__"):
                value, held = _walk(complaint, path.removeprefix("complaint__")), getattr(ties, tie)
                if value is not None and value in held:
                    return reason.format(declared=held[value] if isinstance(held, dict) else "")
    return None


def complaint_conflicts_q(user, ties: Ties | None = None) -> Q:
    """The complaints `user` is conflicted with, as a filter on Complaint (the form of the rule above)."""
    ties = ties if ties is not None else ties_of(user)
    q = Exists(Case.objects.filter(conflicts_q(user, ties), complaint=OuterRef("pk")))
    for _reason, path, tie in RULES:
        held = getattr(ties, tie)
        if held and path.startswith("complaint__"):
            q |= Q(**{f"{path.removeprefix('complaint__')}__in": sorted(held)})
    return Q(q)


def member_conflict_reason(user, member, ties: Ties | None = None) -> str | None:
    """Why `user` may not read `member`'s record of cases and sanctions: the same rules, with the
    member in the respondent's place."""
    return conflict_reason(user, Case(respondent=member), ties)
