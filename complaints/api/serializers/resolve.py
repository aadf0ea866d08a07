"""Resolving the names an input gives (rule codes, usernames, sanction codes) to rows: 400 when unknown."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from conduct.models import Rule, SanctionType, rules_in_force

User = get_user_model()


def resolve_rules(codes: list[str], on_date) -> list[Rule]:
    """Rule codes -> rules of the code version in force on `on_date` (the incident date)."""
    rules = {r.code: r for r in rules_in_force(on_date).select_related("category").filter(code__in=codes)}
    unknown = [c for c in codes if c not in rules]
    if unknown:
        raise serializers.ValidationError(
            f"Unknown rule code(s) for the code in force on {on_date or 'today'}: {', '.join(unknown)}."
        )
    return [rules[c] for c in dict.fromkeys(codes)]


def resolve_users(usernames: list[str]) -> list:
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    unknown = [u for u in usernames if u not in users]
    if unknown:
        raise serializers.ValidationError(f"Unknown username(s): {', '.join(unknown)}.")
    return [users[u] for u in usernames]


def resolve_sanction_type(code: str) -> SanctionType:
    st = SanctionType.objects.filter(code=code).first()
    if st is None:
        raise serializers.ValidationError(f"Unknown sanction code '{code}'.")
    return st
