"""Settings → Brands → Approvals: who needs approval for a brand and the ordered approvers."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from socialmuse.db import session_scope
from socialmuse.models.enums import Role
from socialmuse.services import approval_policy as policy_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import ROLE_LABELS
from socialmuse.state.auth import require_actor
from socialmuse.state.forms import field_errors

APPROVER_CHOICES: list[dict[str, str]] = [
    {"value": str(role), "label": policy_service.step_label(role)}
    for role in reversed(policy_service.APPROVER_ROLES)
]
REQUIRED_FOR_CHOICES: list[dict[str, str]] = [
    {"value": "nobody", "label": "Nobody: posts are scheduled directly"},
    {"value": "team_members", "label": f"{ROLE_LABELS[Role.TEAM_MEMBER]}s' posts"},
    {"value": "everyone", "label": "Everyone's posts"},
]


class ApprovalPolicyState(rx.State):
    """The policy of the brand whose edit form is open; saved only by the Save button."""

    brand_id: str = ""
    required_for: str = "nobody"
    steps: list[str] = []
    errors: dict[str, str] = {}

    @rx.event
    async def load(self, brand_id: str) -> None:
        """Read the policy of the brand whose edit form just opened."""
        self.brand_id, self.errors = brand_id, {}
        if not brand_id.isdigit():
            return
        with session_scope() as session:
            actor = await require_actor(self, session)
            policy = policy_service.get_policy(session, actor=actor, brand_id=int(brand_id))
        self.required_for = policy.required_for
        self.steps = [str(role) for role in policy.steps]

    @rx.event
    def set_required_for(self, value: str) -> None:
        """Choosing that someone needs approval starts with one step (brand owners)."""
        self.required_for = value
        if value != "nobody" and not self.steps:
            self.steps = [str(Role.BRAND_OWNER)]

    @rx.event
    def set_step(self, index: int, role: str) -> None:
        if 0 <= index < len(self.steps):
            self.steps[index] = role

    @rx.event
    def add_step(self) -> None:
        if len(self.steps) < policy_service.MAX_STEPS:
            self.steps.append(str(Role.BRAND_OWNER))

    @rx.event
    def remove_step(self, index: int) -> None:
        if 0 <= index < len(self.steps):
            self.steps.pop(index)

    @rx.event
    async def save(self) -> EventSpec | None:
        """Store the policy; a refusal shows next to the part at fault."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                policy = policy_service.set_policy(
                    session,
                    actor=actor,
                    brand_id=int(self.brand_id),
                    required_for=self.required_for,
                    steps=list(self.steps),
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        self.steps = [str(role) for role in policy.steps]
        return rx.toast.success("Approval policy saved.")
