"""A brand's approval policy: whose posts need approval before they can be scheduled, and by whom.

Stored on ``Brand.approval_policy`` as ``{"required_for": ..., "steps": [role, ...]}``:
``required_for`` is ``nobody``, ``team_members`` (people with the team member role) or
``everyone``; ``steps`` are the roles that approve, in order (one decision per step). The
approval workflow itself (submit, approve, request changes) lives in ``services.approvals``;
this module only answers "does this post need it" so scheduling can refuse without importing
the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from socialmuse.models import Brand, utcnow
from socialmuse.models.enums import Role
from socialmuse.services import audit
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import ValidationError
from socialmuse.services.permissions import ROLE_LABELS, Action, Actor

REQUIRED_FOR = ("nobody", "team_members", "everyone")
APPROVER_ROLES = (Role.BRAND_OWNER, Role.AGENCY_MANAGER, Role.ADMIN, Role.SUPER_ADMIN)
MAX_STEPS = 5


@dataclass(frozen=True)
class ApprovalPolicy:
    required_for: str
    steps: tuple[Role, ...]

    def as_json(self) -> dict[str, Any]:
        return {"required_for": self.required_for, "steps": [str(r) for r in self.steps]}


def policy_of(brand: Brand) -> ApprovalPolicy:
    """The brand's policy, read defensively: an unknown value means no approval step."""
    raw = brand.approval_policy or {}
    required_for = raw.get("required_for", "nobody")
    if required_for not in REQUIRED_FOR:
        required_for = "nobody"
    steps = tuple(Role(r) for r in raw.get("steps", []) if r in set(Role))
    if required_for != "nobody" and not steps:
        # A policy that needs approval but names no approver still needs someone: brand owners.
        steps = (Role.BRAND_OWNER,)
    return ApprovalPolicy(required_for=required_for, steps=steps)


def parse_policy(required_for: str, steps: list[str]) -> ApprovalPolicy:
    """Check a policy typed in settings; one clear message per mistake."""
    if required_for not in REQUIRED_FOR:
        raise ValidationError(
            "Choose who needs approval: nobody, team members or everyone.", field="required_for"
        )
    roles: list[Role] = []
    for step in steps:
        try:
            role = Role(step)
        except ValueError:
            raise ValidationError(f"{step!r} is not a role.", field="steps") from None
        if role not in APPROVER_ROLES:
            raise ValidationError(
                "Approvers must be brand owners, agency managers or admins.", field="steps"
            )
        roles.append(role)
    if len(roles) > MAX_STEPS:
        raise ValidationError(f"At most {MAX_STEPS} approval steps.", field="steps")
    if required_for != "nobody" and not roles:
        raise ValidationError("Add at least one approval step.", field="steps")
    return ApprovalPolicy(required_for=required_for, steps=tuple(roles))


def needs_approval(brand: Brand, actor: Actor) -> bool:
    """Whether a post this actor schedules for this brand must be approved first."""
    policy = policy_of(brand)
    if policy.required_for == "everyone":
        return True
    return policy.required_for == "team_members" and actor.role == Role.TEAM_MEMBER


def approver_roles(policy: ApprovalPolicy) -> tuple[Role, ...]:
    """The roles that decide, step by step.

    A post sent for review under a policy that needs nobody (a voluntary review) still goes
    to the brand's owners.
    """
    return policy.steps or (Role.BRAND_OWNER,)


def step_label(role: Role) -> str:
    """How a step reads to a person: 'Brand owner or above'."""
    if role is Role.SUPER_ADMIN:
        return ROLE_LABELS[role]
    return f"{ROLE_LABELS[role]} or above"


def get_policy(session: Session, *, actor: Actor, brand_id: int) -> ApprovalPolicy:
    """The brand's policy as the settings form shows it."""
    return policy_of(load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW))


def set_policy(
    session: Session, *, actor: Actor, brand_id: int, required_for: str, steps: list[str]
) -> ApprovalPolicy:
    """Change who needs approval for a brand and who approves, in order (brand managers only).

    Posts already in review continue at their current step number under the new steps; one
    whose step is past the new last step is approved by its next decision.
    """
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    policy = parse_policy(required_for, steps)
    if policy_of(brand) != policy or brand.approval_policy != policy.as_json():
        brand.approval_policy = policy.as_json()
        brand.updated_at = utcnow()
        session.add(brand)
        session.flush()
        audit.record_for(
            session,
            actor,
            "brand.approval_policy_updated",
            target_type="brand",
            target_id=brand.id,
            details={"name": brand.name, **policy.as_json()},
        )
    return policy
