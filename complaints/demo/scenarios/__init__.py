"""The demo's named scenarios, each a function of the shared `Demo` that files complaints and walks their cases.

They run in this order: each draws its complainants and respondents from the same seeded pools,
so the order is part of what makes the demo the same every time.
"""

from complaints.demo.scenarios import closed, decided, in_progress, intake, threats
from complaints.demo.scenarios.base import Demo

SCENARIOS = [*closed.SCENARIOS, *decided.SCENARIOS, *in_progress.SCENARIOS, *intake.SCENARIOS, *threats.SCENARIOS]

__all__ = ["SCENARIOS", "Demo"]
