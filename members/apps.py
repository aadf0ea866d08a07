from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Membership register"

    def ready(self):
        from members import signals  # noqa: F401  (connects the identity receiver)
