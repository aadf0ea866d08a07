from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints and cases"

    def ready(self):
        from complaints import handlers  # noqa: F401  (receives identities_registered and lexicon_changed)
