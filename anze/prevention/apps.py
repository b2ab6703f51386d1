from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "anze.prevention"
    verbose_name = "事故预防服务"

    def ready(self) -> None:
        from anze.policies.models import ServiceEvent
        from anze.policies.progress import count_services_with

        from . import dashboard  # noqa: F401 - registers the service organisation's and enterprise's home cards
        from .models import ComplaintStatus, HazardStatus, RecordStatus
        from .selectors import tally_services

        count_services_with(tally_services)  # the policies' 服务进度 counts our records and plans
        subjects = ServiceEvent.Subject
        ServiceEvent.STATUSES.update(
            {
                subjects.RECORD: RecordStatus,
                subjects.HAZARD: HazardStatus,
                subjects.COMPLAINT: ComplaintStatus,
            }
        )
