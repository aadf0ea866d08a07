from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_tables(using="default", **kwargs):
    """The database cache's table, made by `migrate` (new databases, test databases) so no extra step is needed.

    `createcachetable` makes only what is missing and does nothing when the cache is Redis.
    """
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="core.create_cache_tables")
