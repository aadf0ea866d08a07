from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints and cases"

    def ready(self):
        from complaints import checks, handlers  # noqa: F401  (system checks; identities_registered, lexicon_changed)
