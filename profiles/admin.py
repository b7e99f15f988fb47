from django import forms
from django.contrib import admin

from common.cache_generations import PROFILE_PAGES
from identity.admin import AuthorIdentityMixin
from profiles.models import Author, AuthorAlias, Institution
from profiles.orcid import orcid_cleaned


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ror_id", "email_domain"]
    search_fields = ["name", "slug", "ror_id"]
    prepopulated_fields = {"slug": ["name"]}


class AuthorAliasInline(admin.TabularInline):
    model = AuthorAlias
    extra = 0
    fields = ["name", "normalized_name", "import_batch", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["import_batch"]


class AuthorAdminForm(forms.ModelForm):
    def clean_orcid(self) -> str:
        return orcid_cleaned(self.cleaned_data.get("orcid", ""))


@admin.register(Author)
class AuthorAdmin(AuthorIdentityMixin, admin.ModelAdmin):
    """Ownership, verification and merges change only through their services (claims, identity)."""

    form = AuthorAdminForm
    list_display = [
        "display_name",
        "institution",
        "work_count",
        "follower_count",
        "trust_score",
        "verification_level",
        "claimed_by",
    ]
    list_filter = ["verification_level", "open_to_collaborate", ("claimed_by", admin.EmptyFieldListFilter)]
    search_fields = ["display_name", "aliases__name", "orcid", "slug"]
    list_select_related = ["institution", "claimed_by"]
    raw_id_fields = ["institution"]
    readonly_fields = [
        # The claim services (approve) and the identity services (merge, undo) own these.
        "claimed_by",
        "verification_level",
        "merged_into",
        "orcid_source",
        "work_count",
        "follower_count",
        "topic_count",
        "close_collaborator_count",
        "trust_score",
        "trust_breakdown",
        "trust_updated_at",
        "created_at",
        "updated_at",
    ]
    inlines = [AuthorAliasInline]

    def save_model(self, request, obj, form, change):
        if "orcid" in form.changed_data:
            # An iD an administrator enters counts as verified (docs/claims.md, docs/trust.md).
            obj.orcid_source = "admin" if obj.orcid else ""
        super().save_model(request, obj, form, change)
        PROFILE_PAGES.replace_on_commit([obj.pk])  # visitors see the edit, not a cached page


@admin.register(AuthorAlias)
class AuthorAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "author", "import_batch", "created_at"]
    search_fields = ["name", "normalized_name", "author__display_name"]
    raw_id_fields = ["author", "import_batch"]
