from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"
    verbose_name = "Pages"

    def ready(self):
        from frontend import subscribers  # noqa: F401 - the public page cache hears the domain events
