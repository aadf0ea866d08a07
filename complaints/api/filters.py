import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from complaints.models import Case
from complaints.selectors import overdue_q
from conduct.models import Severity
from members.models import Member


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    severity = django_filters.ChoiceFilter(choices=[(s.label, s.label) for s in Severity], method="filter_severity")
    assigned_to = django_filters.CharFilter(method="filter_assigned_to", help_text="A username, or `me`.")
    respondent = django_filters.CharFilter(method="filter_respondent", help_text="A membership number.")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    ordering = django_filters.OrderingFilter(
        fields=(("severity", "severity"), ("opened_at", "opened_at")),
        help_text="`-severity` is the triage queue: severity, then volume, then age.",
    )

    class Meta:
        model = Case
        fields = []

    def filter_severity(self, qs, name, value):
        return qs.filter(severity=Severity.from_label(value))

    def filter_assigned_to(self, qs, name, value):
        if value == "me":
            return qs.filter(assigned_to=self.request.user)
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise ValidationError({"assigned_to": [f"Unknown username '{value}'."]})
        return qs.filter(assigned_to=user)

    def filter_respondent(self, qs, name, value):
        member = Member.objects.filter(membership_number=value).first()
        if member is None:
            raise ValidationError({"respondent": [f"Unknown membership number '{value}'."]})
        return qs.filter(respondent=member)

    def filter_overdue(self, qs, name, value):
        q = overdue_q(timezone.now())
        return qs.filter(q) if value else qs.exclude(q)

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        ordering = self.form.cleaned_data.get("ordering")
        if ordering and ordering[0] in ("severity", "-severity"):
            # Triage: severity, then volume, then age.
            sign = "-" if ordering[0] == "-severity" else ""
            qs = qs.order_by(f"{sign}severity", f"{sign}evidence_count", "opened_at", "pk")
        elif ordering:
            qs = qs.order_by(*ordering, "pk")
        return qs
