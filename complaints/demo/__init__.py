"""The demo dataset of `manage.py seed_demo`: members in six regions, the demo logins, and
complaints with cases at every stage of the workflow.

    builders.py   the people: places, members and their handles, the demo logins (seeded)
    walker.py     CaseWalker: files complaints and walks cases through the services (the tests use it too)
    steps.py      the walker's single steps, one service call each
    scenarios/    the named scenarios, one function each, run in a fixed order
    build.py      build_demo: all of it in one transaction, once; demo_summary for the command

Every complaint and every later step goes through the services with `now=` set in the past,
so the case events, the sanctions' dates and the audit chain are the real ones.
"""

from complaints.demo.build import build_demo, demo_exists, demo_summary
from complaints.demo.builders import DEFAULT_PASSWORD, LOGINS, MEMBER_COUNT
from complaints.demo.walker import CaseWalker, Stage

__all__ = [
    "DEFAULT_PASSWORD",
    "LOGINS",
    "MEMBER_COUNT",
    "CaseWalker",
    "Stage",
    "build_demo",
    "demo_exists",
    "demo_summary",
]
