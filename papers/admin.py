from django.contrib import admin

from papers.models import Authorship, Paper, PaperTopic, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "description"]
    exclude = ["embedding"]


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    fields = ["position", "author", "name_as_written"]
    raw_id_fields = ["author"]


class PaperTopicInline(admin.TabularInline):
    model = PaperTopic
    extra = 0
    raw_id_fields = ["topic"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "kind", "arxiv_id", "doi", "primary_category", "created_at"]
    list_filter = ["kind", "has_code", "primary_category", "year"]
    search_fields = ["title", "arxiv_id", "doi", "abstract"]
    list_select_related = ["primary_category"]
    raw_id_fields = ["primary_category"]
    exclude = ["embedding"]
    readonly_fields = ["field_sources", "embedding_model", "embedding_text_hash", "created_at", "updated_at"]
    inlines = [AuthorshipInline, PaperTopicInline]
