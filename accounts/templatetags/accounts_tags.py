"""Template tags for the accounts partials: the viewer's relation to a profile, unread counts."""

from django import template

from accounts import selectors as selectors_accounts

register = template.Library()


def _request_cache(context) -> dict:
    """Per-request memo so the follow button and the identity box share one query."""
    request = context.get("request")
    if request is None:
        return {}
    if not hasattr(request, "_accounts_tags_cache"):
        request._accounts_tags_cache = {}
    return request._accounts_tags_cache


@register.simple_tag(takes_context=True)
def viewer_state(context, author):
    """``{% viewer_state author as viewer %}``: follow, claim and ownership state (one query)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return selectors_accounts.ANONYMOUS_VIEWER
    cache = _request_cache(context)
    key = ("viewer", author.pk)
    if key not in cache:
        cache[key] = selectors_accounts.viewer_state(user=user, author=author)
    return cache[key]


@register.simple_tag(takes_context=True)
def preload_follow_states(context, authors) -> str:
    """``{% preload_follow_states page.object_list %}`` before a list of follow buttons: one query."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    authors = list(authors)
    followed = selectors_accounts.followed_author_ids(user=user, author_ids=[author.pk for author in authors])
    cache = _request_cache(context)
    for author in authors:
        cache[("follow", author.pk)] = author.pk in followed
    return ""


@register.simple_tag(takes_context=True)
def is_following(context, author) -> bool:
    """Preloaded for lists, else part of the profile's one viewer-state query."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    cache = _request_cache(context)
    if ("follow", author.pk) in cache:
        return cache[("follow", author.pk)]
    return viewer_state(context, author).is_following


@register.simple_tag(takes_context=True)
def unread_messages(context) -> int:
    """``{% unread_messages as unread %}``: messages waiting for the signed-in user."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    cache = _request_cache(context)
    if "unread" not in cache:
        cache["unread"] = selectors_accounts.unread_message_count(user=user)
    return cache["unread"]


@register.inclusion_tag("accounts/_nav.html", takes_context=True)
def accounts_nav(context):
    """Account links for the site header: log in / sign up, or inbox (with unread count) and log out."""
    return {
        "user": context.get("user"),
        "request": context.get("request"),
        "unread": unread_messages(context),
    }
