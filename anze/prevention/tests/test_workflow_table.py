"""The record, hazard and complaint tables as data: every state × every action × every side (insurer,
service organisation, enterprise) — allowed exactly when the table has it, refused with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from anze.core.errors import Refused
from anze.core.sides import Side
from anze.policies.models import ServiceEvent
from anze.prevention import attachments, complaints, hazards, records, scenarios, services
from anze.prevention.models import Complaint, Hazard, HazardLevel, ServiceRecord

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _actors(cast: Any) -> dict[str, Any]:
    return {Side.INSURER: cast.clerk, Side.SERVICE_ORG: cast.org_admin, Side.ENTERPRISE: cast.applicant}


def _record(cast: Any, status: str) -> ServiceRecord:
    record = scenarios.record(
        cast.in_service(counts={"training": 3}), cast.org_admin, "training", [cast.staff]
    )
    if status == "confirmed":
        records.record_confirm(record=scenarios.fresh_record(record), actor=cast.applicant)
    elif status == "disputed":
        records.record_dispute(record=scenarios.fresh_record(record), actor=cast.applicant, reason="不符")
    return scenarios.fresh_record(record)


def _hazard(cast: Any, status: str) -> Hazard:
    policy = cast.in_service()
    inspection = services.inspection_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=services.InspectionData(TODAY(), "车间", [cast.staff], "检查", attachments.Uploads()),
    )
    hazard = hazards.hazard_create(
        inspection=inspection,
        actor=cast.org_admin,
        level=HazardLevel.GENERAL,
        description="灭火器过期",
        location="",
        deadline=TODAY() + timedelta(days=5),
    )
    if status in ("rectified", "verified"):
        hazards.hazard_rectify(hazard=hazard, actor=cast.applicant, rectification="已更换")
    if status == "verified":
        hazards.hazard_verify(hazard=hazard, actor=cast.org_admin, verification="合格")
    return Hazard.objects.select_related("inspection__policy", "inspection__service_org").get(pk=hazard.pk)


def _complaint(cast: Any, status: str) -> Complaint:
    complaint = complaints.complaint_file(
        policy=scenarios.fresh(cast.in_service()), actor=cast.applicant, content="迟到"
    )
    if status == "answered":
        complaints.complaint_answer(complaint=complaint, actor=cast.org_admin, answer="已处理")
    return Complaint.objects.select_related("policy__order", "policy__insurer").get(pk=complaint.pk)


def _data(cast: Any, record: ServiceRecord) -> records.RecordData:
    return scenarios.record_data(record.policy, "training", [cast.staff], content="修改后的内容")


CALLS = {
    "record": {
        "edit": lambda cast, o, u: records.record_update(record=o, actor=u, data=_data(cast, o)),
        "confirm": lambda cast, o, u: records.record_confirm(record=o, actor=u),
        "dispute": lambda cast, o, u: records.record_dispute(record=o, actor=u, reason="有误"),
    },
    "hazard": {
        "rectify": lambda cast, o, u: hazards.hazard_rectify(hazard=o, actor=u, rectification="已整改"),
        "verify": lambda cast, o, u: hazards.hazard_verify(hazard=o, actor=u, verification="合格"),
        "reopen": lambda cast, o, u: hazards.hazard_reopen(hazard=o, actor=u, reason="不合格"),
    },
    "complaint": {
        "extend": lambda cast, o, u: complaints.complaint_extend(complaint=o, actor=u, reason="需核实"),
        "answer": lambda cast, o, u: complaints.complaint_answer(complaint=o, actor=u, answer="已答复"),
    },
}
MACHINES = {"record": records.RECORD, "hazard": hazards.HAZARD, "complaint": complaints.COMPLAINT}
BUILD = {"record": _record, "hazard": _hazard, "complaint": _complaint}
MODELS = {"record": ServiceRecord, "hazard": Hazard, "complaint": Complaint}
CASES = (
    [("record", s) for s in ("pending", "confirmed", "disputed")]
    + [("hazard", s) for s in ("open", "rectified", "verified")]
    + [("complaint", s) for s in ("open", "answered")]
)


def test_it_has_a_caller_for_every_state_changing_action():
    for entity, machine in MACHINES.items():
        assert {t.action for t in machine.table if t.sources} == set(CALLS[entity])


@pytest.mark.parametrize(("entity", "status"), CASES)
def test_it_allows_exactly_the_transitions_of_the_table(cast, entity, status):
    outcomes, expected = {}, {}
    for action, call in CALLS[entity].items():
        for side, actor in _actors(cast).items():
            obj = BUILD[entity](cast, status)
            events = ServiceEvent.objects.count()
            t = MACHINES[entity].transition(action, side)
            expected[(action, side)] = t is not None and status in t.sources
            try:
                call(cast, obj, actor)
            except Refused:
                outcomes[(action, side)] = False
                assert MODELS[entity].objects.get(pk=obj.pk).status == status
                assert ServiceEvent.objects.count() == events
            else:
                outcomes[(action, side)] = True
                assert MODELS[entity].objects.get(pk=obj.pk).status == t.target
                assert ServiceEvent.objects.count() == events + 1
    assert outcomes == expected
