from django import forms
from django.contrib import admin
from django.db import models

from profiles.admin_identity import AuthorIdentityMixin
from profiles.forms import orcid_cleaned
from profiles.models import Author, AuthorAlias, Claim, Conversation, Follow, Institution, Message
from profiles.selectors_accounts import claim_evidence_items


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
    """The claims queue: decisions go through services (approve / reject with a reason), never edits."""

    list_display = [
        "author",
        "user",
        "status",
        "competing",
        "evidence",
        "created_at",
        "reviewer",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["author__display_name", "user__username", "user__email"]
    list_select_related = ["author__institution", "user", "reviewer"]
    raw_id_fields = ["user", "author", "reviewer"]
    fields = [
        "user",
        "author",
        "status",
        "evidence",
        "evidence_email",
        "evidence_orcid",
        "evidence_homepage",
        "evidence_text",
        "reviewer",
        "decided_at",
        "decision_reason",
        "created_at",
    ]
    # A claim is what its claimant sent; decisions go through the actions (services).
    readonly_fields = fields
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["approve_claims", "approve_claims_identity_verified", "reject_claims", "revoke_claims"]

    def get_queryset(self, request):
        from django.db.models import Count, OuterRef, Subquery
        from django.db.models.functions import Coalesce

        others = (
            Claim.objects.filter(author=OuterRef("author"), status=Claim.Status.PENDING)
            .exclude(pk=OuterRef("pk"))
            .order_by()
            .values("author")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return super().get_queryset(request).annotate(competing_count=Coalesce(Subquery(others), 0))

    @admin.display(description="competing claims", ordering="competing_count")
    def competing(self, claim) -> str:
        if claim.status != Claim.Status.PENDING or not claim.competing_count:
            return ""
        return f"⚠ {claim.competing_count} other pending"

    @admin.display(description="evidence")
    def evidence(self, claim) -> str:
        return ", ".join(claim_evidence_items(claim=claim)) or "none"

    def _decide(self, request, queryset, decide) -> None:
        from django.contrib import messages

        from profiles.services_accounts import AccountActionError

        done = 0
        for claim in queryset.select_related("author", "user"):
            try:
                decide(claim)
            except AccountActionError as error:
                self.message_user(request, f"{claim}: {error.message}", messages.ERROR)
            else:
                done += 1
                self.log_change(request, claim, f"Claim {Claim.objects.get(pk=claim.pk).status}")
        if done:
            self.message_user(request, f"{done} claim{'s' if done != 1 else ''} decided.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False  # claims are made by claimants (claim_create checks them), not typed in here

    def has_delete_permission(self, request, obj=None):
        return False  # an approved claim owns a profile: deleting the row would orphan that

    @admin.action(
        description="Approve selected claims (L2: claimed by a verified user)", permissions=["change"]
    )
    def approve_claims(self, request, queryset):
        from profiles.services_accounts import claim_approve

        self._decide(request, queryset, lambda claim: claim_approve(claim=claim, reviewer=request.user))

    @admin.action(description="Approve selected claims as identity verified (L3)", permissions=["change"])
    def approve_claims_identity_verified(self, request, queryset):
        from profiles.services_accounts import claim_approve

        self._decide(
            request,
            queryset,
            lambda claim: claim_approve(
                claim=claim,
                reviewer=request.user,
                level=Author.Verification.VERIFIED,
                reason="An administrator verified your identity.",
            ),
        )

    @admin.action(description="Reject selected claims (asks for a reason)", permissions=["change"])
    def reject_claims(self, request, queryset):
        from profiles.services_accounts import claim_reject

        return self._decide_with_reason(request, queryset, "reject_claims", "Reject", claim_reject)

    @admin.action(
        description="Revoke selected approved claims: the profile is unclaimed again (asks for a reason)",
        permissions=["change"],
    )
    def revoke_claims(self, request, queryset):
        from profiles.services_accounts import claim_revoke

        return self._decide_with_reason(request, queryset, "revoke_claims", "Revoke", claim_revoke)

    def _decide_with_reason(self, request, queryset, action: str, verb: str, decide):
        """Ask for the reason the claimant will read, then decide each claim with it."""
        from django.contrib.admin import helpers
        from django.template.response import TemplateResponse

        from profiles.forms import ClaimDecisionForm

        form = ClaimDecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._decide(
                request, queryset, lambda claim: decide(claim=claim, reviewer=request.user, reason=reason)
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"{verb} claims",
            "verb": verb,
            "action": action,
            "opts": self.model._meta,
            "claims": queryset.select_related("author", "user"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/profiles/claim/reject_claims.html", context)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    raw_id_fields = ["sender"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["subject", "initiator", "author", "recipient", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["subject", "initiator__username", "recipient__username", "author__display_name"]
    raw_id_fields = ["initiator", "author", "recipient", "paper", "topic"]
    inlines = [MessageInline]


# Admin for blocks, abuse reports, email preferences and digests (accounts work, issue 9).
from profiles import admin_accounts  # noqa: E402, F401
