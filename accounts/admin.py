"""Admin for the accounts models: claims (a queue), follows, conversations, abuse reports, blocks,
email preferences and digests."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.forms import ClaimDecisionForm
from accounts.models import (
    AbuseReport,
    AccountPreferences,
    Claim,
    Conversation,
    Follow,
    FollowDigest,
    Message,
    UserBlock,
)
from accounts.selectors import claim_evidence_items
from accounts.services import AccountActionError, claim_approve, claim_reject, claim_revoke
from profiles.models import Author


@admin.register(AbuseReport)
class AbuseReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reporter", "reported_user", "conversation", "status", "resolved_by"]
    list_filter = ["status"]
    search_fields = ["reporter__username", "reported_user__username", "reason"]
    list_select_related = ["reporter", "reported_user", "conversation", "resolved_by"]
    raw_id_fields = ["reporter", "reported_user", "conversation", "resolved_by"]
    readonly_fields = ["created_at", "resolved_at"]
    actions = ["mark_resolved"]

    @admin.action(description="Mark selected reports resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = queryset.filter(status=AbuseReport.Status.OPEN).update(
            status=AbuseReport.Status.RESOLVED, resolved_by=request.user, resolved_at=timezone.now()
        )
        self.message_user(request, f"{count} report(s) resolved.", messages.SUCCESS)


@admin.register(UserBlock)
class UserBlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    search_fields = ["blocker__username", "blocked__username"]
    raw_id_fields = ["blocker", "blocked"]


@admin.register(AccountPreferences)
class AccountPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_digest", "email_on_message", "updated_at"]
    list_filter = ["weekly_digest", "email_on_message"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(FollowDigest)
class FollowDigestAdmin(admin.ModelAdmin):
    list_display = ["user", "week_start", "paper_count", "sent_at"]
    list_filter = ["week_start"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


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

        self._decide(request, queryset, lambda claim: claim_approve(claim=claim, reviewer=request.user))

    @admin.action(description="Approve selected claims as identity verified (L3)", permissions=["change"])
    def approve_claims_identity_verified(self, request, queryset):

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

        return self._decide_with_reason(request, queryset, "reject_claims", "Reject", claim_reject)

    @admin.action(
        description="Revoke selected approved claims: the profile is unclaimed again (asks for a reason)",
        permissions=["change"],
    )
    def revoke_claims(self, request, queryset):

        return self._decide_with_reason(request, queryset, "revoke_claims", "Revoke", claim_revoke)

    def _decide_with_reason(self, request, queryset, action: str, verb: str, decide):
        """Ask for the reason the claimant will read, then decide each claim with it."""

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
        return TemplateResponse(request, "admin/accounts/claim/reject_claims.html", context)


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
