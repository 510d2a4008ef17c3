"""Background work: ``dramatiq jobs`` imports this package, which sets the broker and actors.

Actors are thin: they take ids, are idempotent, and delegate to services. Each actor
module binds itself to ``jobs.broker.broker`` explicitly, so import order cannot leave an
actor on Dramatiq's default broker.
"""

from jobs import accounts, evergreen, maintenance, metrics, publishing, reports
from jobs.broker import broker

__all__ = ["accounts", "broker", "evergreen", "maintenance", "metrics", "publishing", "reports"]
