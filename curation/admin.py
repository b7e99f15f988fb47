"""The curation queue in the admin; its decisions go through identity and curation services."""

from django.contrib import admin

from curation.models import CurationItem
from identity.admin import CurationIdentityMixin


@admin.register(CurationItem)
class CurationItemAdmin(CurationIdentityMixin, admin.ModelAdmin):
    list_display = ["summary", "kind", "status", "author", "paper", "batch", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["summary", "author__display_name"]
    list_select_related = ["author", "paper", "batch"]
    raw_id_fields = ["batch", "record", "author", "other_author", "paper", "resolved_by"]
    readonly_fields = ["details", "created_at", "resolved_at"]
