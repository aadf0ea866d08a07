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
