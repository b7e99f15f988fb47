"""The curation queue in the admin; its decisions go through identity and curation services."""

from django.contrib import admin

from curation.models import CurationEvent, CurationItem
from identity.admin import CurationIdentityMixin


class CurationEventInline(admin.TabularInline):
    """The item's history: who opened, answered, reopened or moved it, when and why (read-only)."""

    model = CurationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CurationItem)
class CurationItemAdmin(CurationIdentityMixin, admin.ModelAdmin):
    inlines = [CurationEventInline]
    list_display = ["summary", "kind", "status", "author", "paper", "batch", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["summary", "author__display_name"]
    list_select_related = ["author", "paper", "batch"]
    raw_id_fields = ["batch", "record", "author", "other_author", "paper", "resolved_by"]
    readonly_fields = ["details", "created_at", "resolved_at"]
