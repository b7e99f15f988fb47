from django.apps import AppConfig


def _email_confirmed(sender, request, email_address, **kwargs) -> None:
    from profiles.services_accounts import follower_email_verified

    follower_email_verified(user=email_address.user)


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Researchers"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        # Only followers with a verified address count in trust (docs/trust.md).
        email_confirmed.connect(_email_confirmed, dispatch_uid="profiles.follower_email_verified")
