"""Analytics: question timelines and daily rollups kept by the domain events, the
deflection and reading logs, the staff dashboard, its API and the simulated community."""

from __future__ import annotations


def init_app(app) -> None:
    from . import subscribers  # noqa: F401  (subscribers register on events)
