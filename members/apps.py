from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Membership register"

    def ready(self):
        from members import logins, signals, tokens  # noqa: F401  (connect the identity, login and token receivers)


class ConductAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (login throttle and lockout) as the default site."""

    default = False  # named in INSTALLED_APPS; MembersConfig stays this module's default
    default_site = "members.admin_site.ConductAdminSite"
