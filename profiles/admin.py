from django.contrib import admin

from profiles.models import Author, AuthorAlias, Claim, Conversation, Follow, Institution, Message


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


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["institution", "claimed_by", "merged_into"]
    readonly_fields = [
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


@admin.register(AuthorAlias)
class AuthorAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "author", "import_batch", "created_at"]
    search_fields = ["name", "normalized_name", "author__display_name"]
    raw_id_fields = ["author", "import_batch"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "author", "created_at"]
    search_fields = ["user__username", "author__display_name"]
    raw_id_fields = ["user", "author"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["author", "user", "status", "created_at", "reviewer", "decided_at"]
    list_filter = ["status"]
    search_fields = ["author__display_name", "user__username", "user__email"]
    raw_id_fields = ["user", "author", "reviewer"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    raw_id_fields = ["sender"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["subject", "initiator", "author", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["subject", "initiator__username", "author__display_name"]
    raw_id_fields = ["initiator", "author", "paper", "topic"]
    inlines = [MessageInline]
