"""The code of conduct ships as data (a migration); these look the shipped rows up."""

from conduct.models import Category, Rule, SanctionType


def rule(code: str) -> Rule:
    return Rule.objects.get(code=code, code_version__version=1)


def sanction_type(code: str) -> SanctionType:
    return SanctionType.objects.get(code=code)


def category(code: str) -> Category:
    return Category.objects.get(code=code)
