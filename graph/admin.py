from django.contrib import admin

from graph.models import CollaboratorEdge


@admin.register(CollaboratorEdge)
class CollaboratorEdgeAdmin(admin.ModelAdmin):
    list_display = ["author_low", "author_high", "shared_papers", "first_year", "last_year"]
    list_select_related = ["author_low", "author_high"]
    search_fields = ["author_low__display_name", "author_high__display_name"]
    raw_id_fields = ["author_low", "author_high"]
    ordering = ["-shared_papers"]
