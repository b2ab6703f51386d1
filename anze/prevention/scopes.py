"""Which prevention rows each side sees: the policy scope (``anze/policies/scopes.py``) through the row's policy.

Service records, inspections and hazards are the policy's service archive: the insurer and the verified
enterprise read those of their policies, the regulator those of the policies in its jurisdiction, and a service
organisation only what it recorded itself on a policy still assigned to it (not an earlier organisation's
visits). A complaint names its three parties itself, and each sees the complaints that name it.
"""

from __future__ import annotations

from django.db.models import Q

from anze.accounts.models import User
from anze.core.sides import Side
from anze.orders.scopes import visible_rows
from anze.policies.scopes import policy_rows


def archive_rows(user: User, via: str = "") -> Q:
    """Records and inspections (``via=""``) or hazards (``via="inspection"``) the user's organisation may read,
    as a filter on a model with ``policy`` and ``service_org``."""
    p = f"{via}__" if via else ""
    rows = policy_rows(user, via=f"{p}policy")
    if user.side == Side.SERVICE_ORG:
        rows &= Q(**{f"{p}service_org_id": user.organisation_id})
    return rows


def complaint_rows(user: User) -> Q:
    """The complaints the user's organisation is a party to: the enterprise that filed it, the insurer of the
    policy, the service organisation complained about."""
    return visible_rows(user, insurer="insurer", enterprise="enterprise", service_org="service_org")
