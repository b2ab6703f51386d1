"""The step scripts of the manual, one per side: ``MANUALS[slug]`` (insurer, enterprise, service, regulator,
platform), in the order ``make manual`` writes them."""

from __future__ import annotations

from ..script import Manual
from . import enterprise, insurer, platform, regulator, service

MANUALS: dict[str, Manual] = {
    manual.slug: manual
    for manual in (insurer.MANUAL, enterprise.MANUAL, service.MANUAL, regulator.MANUAL, platform.MANUAL)
}
