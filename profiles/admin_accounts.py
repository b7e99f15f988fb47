"""Admin for the accounts models: abuse reports (a queue), blocks, email preferences, digests."""

from django.contrib import admin, messages
from django.utils import timezone

from profiles.models import AbuseReport, AccountPreferences, FollowDigest, UserBlock


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
