from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "anze.claims"
    verbose_name = "理赔"

    def ready(self) -> None:
        from anze.policies.lifecycle import reversal_blocker

        from . import (
            dashboard,  # noqa: F401 - registers the insurer's home cards
            exports,  # noqa: F401 - registers the 导出 with the 下载中心
            reports,  # noqa: F401 - registers the 报案 webhook event
        )
        from .workflow import claims_block_reversal

        # 冲正 of a policy with a claim (not 注销'd) is refused: the claim is about the policy as issued.
        reversal_blocker(claims_block_reversal)
