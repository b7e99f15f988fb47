from django.contrib import admin

from common.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """What waits to be sent after a broker outage (read only; the beat sweep sends it)."""

    list_display = ["task_name", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
