from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Shared helpers"

    def ready(self) -> None:
        # Imported here, as Django asks: these touch models and settings.
        from django.contrib.auth.signals import user_login_failed
        from django.core import checks

        from common.checks import cache_shares_broker_check
        from common.ratelimit import login_failed_receiver

        user_login_failed.connect(login_failed_receiver, dispatch_uid="common.ratelimit.login_failed")
        checks.register(cache_shares_broker_check, checks.Tags.caches)
