"""The four kinds of organisation the platform manages, with their URL segment and Chinese name."""

from __future__ import annotations

from anze.accounts.services import KIND_LABELS
from anze.core.sides import Side

__all__ = ["KIND_LABELS", "KIND_SLUGS", "url_name"]

KIND_SLUGS: dict[str, str] = {
    Side.INSURER: "insurers",
    Side.ENTERPRISE: "enterprises",
    Side.SERVICE_ORG: "service-orgs",
    Side.REGULATOR: "regulators",
}


def url_name(kind: str, action: str) -> str:
    """``url_name("insurer", "list")`` → "orgs:insurer_list" (relative to the platform namespace)."""
    return f"orgs:{kind}_{action}"
