from django.apps import AppConfig


class PipelineConfig(AppConfig):
    """Events that follow a change and the Celery tasks that react to them (no models)."""

    name = "pipeline"
    verbose_name = "Pipeline"
