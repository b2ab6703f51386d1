from django.apps import AppConfig


class EndorsementsConfig(AppConfig):
    name = "anze.endorsements"
    verbose_name = "批改与退保"

    def ready(self) -> None:
        from anze.policies.lifecycle import reversal_blocker, surrender_date
        from anze.policies.panels import register_documents, register_panel

        from . import dashboard, exports, panels  # noqa: F401 - dashboard: the home cards; exports: 导出

        reversal_blocker(panels.blocks_reversal)  # a policy with a 批改 or 退保 is not reversed
        surrender_date(panels.surrender_day)  # the day a 退保 ended the cover (claims take reports up to it)
        register_panel(panels.policy_panel)  # 批改记录 on the policy's pages (insurer, enterprise)
        register_documents(panels.endorsement_documents)  # 批单 among the policy's files
