from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anze.accounts"
    verbose_name = "账号与组织"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Organisation, Role, User

        # 操作日志: who changed which account or role, before and after. Secrets and noise excluded.
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"roles"})
        auditlog.register(Role, exclude_fields=["updated_at"])
        auditlog.register(Organisation)
