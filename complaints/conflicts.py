"""Conflicts of interest: automatic (a party to the case, or the same constituency) and declared."""

from django.db.models import Q

from core.roles import member_of


def conflict_reason(user, case) -> str | None:
    """Why `user` may not act on `case`, or None when they have no conflict."""
    from complaints.models import ConflictDeclaration

    complainant = case.complaint.complainant
    respondent = case.respondent
    me = member_of(user)
    if me is not None:
        if me.pk == respondent.pk:
            return "you are the respondent"
        if complainant is not None and me.pk == complainant.pk:
            return "you are the complainant"
        if me.constituency_id and me.constituency_id in {
            respondent.constituency_id,
            complainant.constituency_id if complainant else None,
        }:
            return "you are a member of the same constituency as a party to the case"
    parties = [respondent] + ([complainant] if complainant is not None else [])
    constituencies = [p.constituency_id for p in parties if p.constituency_id]
    declared = (
        ConflictDeclaration.objects.filter(user=user)
        .filter(Q(member__in=[p.pk for p in parties]) | Q(constituency__in=constituencies))
        .first()
    )
    if declared is not None:
        return f"declared conflict ({declared.reason})"
    return None
