"""Strict input fields: a string field refuses numbers, lists and objects instead of coercing them."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"not_a_bool": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool) and data not in ("true", "false", "True", "False"):
            self.fail("not_a_bool")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"not_an_integer": "Must be a whole number."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("not_an_integer")
        return super().to_internal_value(data)


class NoUnknownFieldsMixin:
    """Refuse keys the serializer does not know, naming them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
        return super().to_internal_value(data)


DB_INT_MAX = 2_147_483_647
TEXT_MAX = 20_000
