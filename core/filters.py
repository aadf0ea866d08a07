import datetime as dt

from django.db.models import BooleanField, Func
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend

# Dates and times a filter accepts: the calendar less a day at each end, so that neither a
# zone offset (0001-01-01T00:00+14:00 is in year 0 in UTC) nor "the day after" a bound
# leaves what Python and the databases can represent.
EARLIEST = dt.date(1, 1, 2)
LATEST = dt.date(9999, 12, 30)
OUT_OF_RANGE = f"Must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}."


def out_of_range(value) -> bool:
    """True for a date or datetime (or a range of them) outside EARLIEST..LATEST, in UTC for an aware datetime."""
    if isinstance(value, slice):
        return out_of_range(value.start) or out_of_range(value.stop)
    if isinstance(value, list | tuple):
        return any(out_of_range(v) for v in value)
    if isinstance(value, dt.datetime):
        try:
            day = value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
        except OverflowError:
            return True
        return not (EARLIEST <= value.date() <= LATEST and EARLIEST <= day <= LATEST)
    if isinstance(value, dt.date):
        return not EARLIEST <= value <= LATEST
    return False


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend for every FilterSet: a date or time at the calendar's edge is a 400
    naming the filter, not an OverflowError when the query converts it."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() or not dates_in_range(filterset.form):
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


def dates_in_range(form) -> bool:
    """Add an error to `form` for each cleaned date or time out of range; False if there was one."""
    bad = [name for name, value in form.cleaned_data.items() if out_of_range(value)]
    for name in bad:
        form.add_error(name, OUT_OF_RANGE)
    return not bad


class OrderedRangeMixin:
    """A FilterSet mixin: `range_fields = ("after", "before")` must not be in reverse order (400 names the field)."""

    range_fields: tuple[str, str] = ("after", "before")

    def is_valid(self):
        valid = super().is_valid()
        low_name, high_name = self.range_fields
        data = self.form.cleaned_data if valid else {}
        low, high = data.get(low_name), data.get(high_name)
        if low and high and low > high:
            self.form.add_error(high_name, f"Must not be before `{low_name}`.")
            return False
        return valid


class AnyOf(Func):
    """`AnyOf(F("pk"), Subquery(...))`: the field is one of the subquery's values.

    On PostgreSQL this is `field = ANY(ARRAY(subquery))`: the subquery runs once and its
    values probe the field's index, however many they are. Written as IN or EXISTS, it is
    planned as a semi-join, and for a few thousand values PostgreSQL's default costs
    prefer hashing them and reading the whole outer table. Elsewhere, `field IN (subquery)`.
    """

    output_field = BooleanField()

    def __init__(self, field, subquery):
        super().__init__(field, subquery)

    def as_sql(self, compiler, connection, **extra_context):
        field, subquery = self.get_source_expressions()
        lhs, lhs_params = compiler.compile(field)
        rhs, rhs_params = compiler.compile(subquery)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        field, subquery = self.get_source_expressions()
        lhs, lhs_params = compiler.compile(field)
        rhs, rhs_params = compiler.compile(subquery)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
