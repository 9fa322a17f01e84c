"""The demo records' calendar: the span their days are drawn from."""

from __future__ import annotations

import datetime as dt
import random

START = dt.date(2026, 9, 1)
LAST = dt.date(2026, 11, 25)  # the demo's records stop here, whatever day it is loaded


def random_day(rng: random.Random, start: dt.date = START, end: dt.date = LAST) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))
