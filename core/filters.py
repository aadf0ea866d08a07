from django.db.models import BooleanField, Func


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
