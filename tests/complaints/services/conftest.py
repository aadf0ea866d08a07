"""Cases the appeal tests start from, walked through the services."""

import pytest

from complaints.demo.walker import Stage
from tests.complaints.services.helpers import DAY, suspension


@pytest.fixture
def appealed(case_at, walker, t0):
    """appealed(appeal_panel=None): a confirmed 90-day suspension decided at t0, appealed a day later,
    heard by `judge` (or by `appeal_panel`)."""

    def make(appeal_panel=None):
        case = case_at(Stage.DECIDED, **suspension())
        return walker.walk(case, Stage.APPEAL_PANEL, now=t0 + DAY, appeal_panel=appeal_panel)

    return make
