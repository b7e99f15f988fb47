"""Who may use the staff endpoints: staff holding Django model permissions, not merely ``is_staff``.

Each staff view names the model its permissions are checked on (``permission_model``); reads need
``view_<model>``, writes ``add``/``change``/``delete``, as in the Django admin.
"""

from __future__ import annotations

from rest_framework.permissions import DjangoModelPermissions

VIEW = ["%(app_label)s.view_%(model_name)s"]


class StaffModelPermissions(DjangoModelPermissions):
    """Staff with the model permission for the request's method (GET needs ``view_<model>``)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": VIEW,
        "HEAD": VIEW,
        "OPTIONS": VIEW,
    }

    def _queryset(self, view):
        # The view's own queryset may look rows up (and 404) before permissions are known.
        return view.permission_model._default_manager.none()

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff) and super().has_permission(
            request, view
        )
