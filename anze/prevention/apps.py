from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "anze.prevention"
    verbose_name = "事故预防服务"

    def ready(self) -> None:
        from anze.policies.archive import Archive, register_archive
        from anze.policies.lifecycle import reversal_blocker
        from anze.policies.models import ServiceEvent
        from anze.policies.progress import count_services_with

        from . import archive, checks, dashboard, selectors  # noqa: F401 - importing dashboard registers the home cards
        from .models import ComplaintStatus, HazardStatus, RecordStatus

        reversal_blocker(checks.blocks_reversal)  # 冲正 refused once the policy has service history
        count_services_with(selectors.tally_services)  # the policies' 服务进度 counts our records and plans
        register_archive(  # the insurer's 保单详情 shows the service archive
            Archive(
                context=archive.policy_page_context,
                documents=selectors.archive_documents,
                record_page=archive.policy_record_page,
            )
        )
        subjects = ServiceEvent.Subject
        ServiceEvent.STATUSES.update(
            {
                subjects.RECORD: RecordStatus,
                subjects.HAZARD: HazardStatus,
                subjects.COMPLAINT: ComplaintStatus,
            }
        )
