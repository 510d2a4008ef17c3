"""One scheduler sweep with the clock moved ahead: ``python -m tests.faults.heal --advance S``.

The same ``reconcile.sweep`` the scheduler runs every tick, given ``now + S`` so that queue
and publish leases (2 and 5 minutes) count as expired without waiting for them; what it
returns is enqueued on the broker of SOCIALMUSE_REDIS_URL exactly as ``dispatch_due`` does.
Prints one JSON line: how many targets were sent again and how many to reconcile.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--advance", type=float, required=True)
    args = parser.parse_args()

    from jobs.publishing import publish_target, reconcile_target
    from socialmuse.db import session_scope
    from socialmuse.models import utcnow
    from socialmuse.services import reconcile

    with session_scope() as session:
        requeue, to_reconcile = reconcile.sweep(
            session, now=utcnow() + timedelta(seconds=args.advance)
        )
    for target_id in requeue:
        publish_target.send(target_id)
    for target_id in to_reconcile:
        reconcile_target.send(target_id)
    print(json.dumps({"requeued": len(requeue), "reconcile": len(to_reconcile)}))


if __name__ == "__main__":
    main()
