"""Pages and actions for signed-in people: claims, profile edits, follows, conversations.

Views stay thin: they scope what the user may see (404 for other people's things), validate a form,
call one service, and turn our domain errors into a page or JSON with the matching status.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    AuthorProfileForm,
    ClaimForm,
    ConversationStartForm,
    DisownForm,
    MessageForm,
    PreferencesForm,
    ReportForm,
)
from accounts.models import Claim
from common.ratelimit import limited
from common.redirects import moved_permanently
from identity import services as identity_services
from papers.models import Paper
from papers.selectors import with_author_preview
from profiles import selectors as profile_selectors
from profiles.models import Author


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _problem(request: HttpRequest, message: str, status: int, *, needs_verification: bool = False):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    context = {"message": message, "status": status, "needs_verification": needs_verification}
    return render(request, "accounts/problem.html", context, status=status)


def account_action(view):
    """Map refused actions (services.AccountActionError) to a readable answer with its status code."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.AccountActionError as error:
            return _problem(
                request,
                error.message,
                error.status_code,
                needs_verification=isinstance(error, services.EmailNotVerified),
            )

    return wrapper


def _visible_author(slug: str) -> Author:
    """The live author; a merged one raises AuthorMoved, which ``moved_permanently`` answers."""
    return profile_selectors.author_or_moved(slug=slug)


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# --- claims ------------------------------------------------------------------------------


@login_required
@account_action
@limited("claims")
@moved_permanently
def claim_start(request, slug: str):
    author = _visible_author(slug)
    services.claim_validate(user=request.user, author=author)
    verified = selectors.user_verified_emails(user=request.user)
    form = ClaimForm(request.POST or None, verified_emails=verified)
    if request.method == "POST" and form.is_valid():
        claim = services.claim_create(user=request.user, author=author, **form.cleaned_data)
        if claim.status == Claim.Status.APPROVED:
            messages.success(request, f"{claim.decision_reason} The profile is now yours.")
            return redirect(author)
        messages.success(
            request, "Thank you. Your claim is waiting for review; we will email you the decision."
        )
        return redirect("accounts:claims")
    return render(request, "accounts/claim_form.html", {"author": author, "form": form})


@login_required
def claims(request):
    return render(request, "accounts/claims.html", {"claims": selectors.user_claims(user=request.user)})


@require_POST
@login_required
@account_action
def claim_withdraw(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk, user=request.user)
    services.claim_withdraw(claim=claim, user=request.user)
    messages.success(request, f"Your claim for {claim.author} was withdrawn.")
    return redirect(_next_or(request, reverse("accounts:claims")))


@login_required
@account_action
@moved_permanently
def author_edit(request, slug: str):
    author = _visible_author(slug)
    if author.claimed_by_id != request.user.pk:
        raise services.NotAllowed("Only the researcher who claimed this profile can edit it.")
    form = AuthorProfileForm(request.POST or None, initial=AuthorProfileForm.initial_for(author))
    if request.method == "POST" and form.is_valid():
        services.author_profile_update(author=author, user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile was saved.")
        return redirect(author)
    papers = Paginator(selectors.owner_papers(author=author), 20).get_page(request.GET.get("page"))
    context = {"author": author, "form": form, "papers": papers, "disown_form": DisownForm()}
    return render(request, "accounts/author_edit.html", context)


@require_POST
@login_required
@account_action
@moved_permanently
def paper_disown(request, slug: str, paper_slug: str):
    """The claim owner says a paper is not theirs; an admin decides (identity.services.paper_disown).

    The one "not mine" endpoint: the profile's button and the edit page's form both post here."""
    author = _visible_author(slug)
    if author.claimed_by_id != request.user.pk:
        raise services.NotAllowed("Only the researcher who claimed this profile can disown its papers.")
    paper = get_object_or_404(Paper, slug=paper_slug)
    form = DisownForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        identity_services.paper_disown(author=author, paper=paper, user=request.user, reason=reason)
    except identity_services.IdentityError as error:
        raise services.Conflict(str(error)) from error
    messages.success(
        request, f"Thanks. An administrator will review “{paper}” and remove it if it is not yours."
    )
    return redirect(_next_or(request, reverse("accounts:author_edit", args=[author.slug])))


# --- follows -----------------------------------------------------------------------------


def _follow_response(request, author: Author, *, following: bool, count: int):
    if _wants_json(request):
        return JsonResponse({"following": following, "follower_count": count})
    return redirect(_next_or(request, author.get_absolute_url()))


def _follow_login(request, author: Author):
    login_url = reverse(settings.LOGIN_URL) + "?next=" + author.get_absolute_url()
    if _wants_json(request):
        return JsonResponse(
            {"error": "Please log in to follow researchers.", "login_url": login_url}, status=401
        )
    return redirect_to_login(author.get_absolute_url())


@require_POST
@account_action
@moved_permanently
def follow(request, slug: str):
    author = _visible_author(slug)
    if not request.user.is_authenticated:
        return _follow_login(request, author)
    count = services.follow_create(user=request.user, author=author)
    return _follow_response(request, author, following=True, count=count)


@require_POST
@account_action
@moved_permanently
def unfollow(request, slug: str):
    author = _visible_author(slug)
    if not request.user.is_authenticated:
        return _follow_login(request, author)
    count = services.follow_delete(user=request.user, author=author)
    return _follow_response(request, author, following=False, count=count)


@login_required
def following(request):
    papers = Paginator(selectors.following_feed(user=request.user), 20).get_page(request.GET.get("page"))
    with_author_preview(papers.object_list)
    context = {"authors": selectors.followed_authors(user=request.user), "papers": papers}
    return render(request, "accounts/following.html", context)


@login_required
def preferences(request):
    current = selectors.account_preferences(user=request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your email preferences were saved.")
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


# --- conversations -----------------------------------------------------------------------


@login_required
@account_action
@limited("invitations")
@moved_permanently
def conversation_new(request, slug: str):
    author = _visible_author(slug)
    services.conversation_start_validate(initiator=request.user, author=author)
    initial = {}
    if paper_slug := request.GET.get("paper"):
        initial["paper"] = (
            author.authorships.filter(paper__slug=paper_slug).values_list("paper", flat=True).first()
        )
    form = ConversationStartForm(request.POST or None, author=author, initial=initial)
    if request.method == "POST" and form.is_valid():
        conversation = services.conversation_start(initiator=request.user, author=author, **form.cleaned_data)
        messages.success(request, f"Your invitation was sent to {author}.")
        return redirect("accounts:conversation", pk=conversation.pk)
    return render(request, "accounts/conversation_form.html", {"author": author, "form": form})


@login_required
def inbox(request):
    conversations = Paginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/inbox.html", {"conversations": conversations})


def _participant_conversation(request, pk: int):
    conversation = selectors.conversation_for_participant(user=request.user, conversation_id=pk)
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


@login_required
def conversation_detail(request, pk: int):
    conversation = _participant_conversation(request, pk)
    services.conversation_mark_read(conversation=conversation, user=request.user)
    is_owner = conversation.recipient_id == request.user.pk  # the researcher who was invited
    other_id = conversation.initiator_id if is_owner else conversation.recipient_id
    context = {
        "conversation": conversation,
        "thread": selectors.conversation_messages(conversation=conversation),
        "is_owner": is_owner,
        "reply_form": MessageForm(),
        "report_form": ReportForm(),
        "blocked": selectors.user_blocks(blocker_id=request.user.pk, blocked_id=other_id)
        if other_id
        else False,
    }
    return render(request, "accounts/conversation.html", context)


@require_POST
@login_required
@account_action
@limited("messages")
def conversation_reply(request, pk: int):
    conversation = _participant_conversation(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        raise services.AccountActionError("Write a message (at most 5000 characters).")
    services.message_send(conversation=conversation, sender=request.user, body=form.cleaned_data["body"])
    return redirect("accounts:conversation", pk=conversation.pk)


@require_POST
@login_required
@account_action
def conversation_accept(request, pk: int):
    conversation = _participant_conversation(request, pk)
    services.conversation_accept(conversation=conversation, user=request.user)
    messages.success(request, "Invitation accepted.")
    return redirect("accounts:conversation", pk=conversation.pk)


@require_POST
@login_required
@account_action
def conversation_decline(request, pk: int):
    conversation = _participant_conversation(request, pk)
    services.conversation_decline(conversation=conversation, user=request.user)
    messages.success(request, "Invitation declined.")
    return redirect("accounts:inbox")


@require_POST
@login_required
@account_action
def conversation_block(request, pk: int):
    conversation = _participant_conversation(request, pk)
    services.user_block(blocker=request.user, conversation=conversation)
    messages.success(request, "Blocked. This person can no longer write to you.")
    return redirect("accounts:conversation", pk=conversation.pk)


@require_POST
@login_required
@account_action
def conversation_unblock(request, pk: int):
    conversation = _participant_conversation(request, pk)
    services.user_unblock(blocker=request.user, conversation=conversation)
    messages.success(request, "Unblocked.")
    return redirect("accounts:conversation", pk=conversation.pk)


@require_POST
@login_required
@account_action
def conversation_report(request, pk: int):
    conversation = _participant_conversation(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        raise services.AccountActionError("Tell the administrators what is wrong (at most 2000 characters).")
    services.report_create(
        reporter=request.user, conversation=conversation, reason=form.cleaned_data["reason"]
    )
    messages.success(request, "Thank you. The administrators will look at your report.")
    return redirect("accounts:conversation", pk=conversation.pk)
