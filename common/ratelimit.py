"""One rate-limit policy for the site and the API.

Every limit has a name, a rate from the setting ``RATE_LIMIT_<NAME>`` ("5/h", "10/5m",
"120/minute") and a sentence that tells a person what was limited. ``RATE_LIMITS_SCALE``
multiplies every allowance (0 switches every limit off, for soak tests).

HTML views use :func:`limited`, the API's throttles (``api/throttling.py``) call
:func:`consume` with the same names and the same requester key, so a claim made on the page
and one made through the API draw on one allowance. Failed logins are counted by the
``user_login_failed`` signal, which allauth, ``/admin/login/`` and the API token endpoint all
send through ``django.contrib.auth.authenticate``; :class:`LoginLimitMiddleware` refuses a
login POST whose account or address has used its allowance, whichever form it came from.

Counters are fixed windows in the cache (``rl:<name>:<who>:<window start>``), shared by every
web process and expiring with their window.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

KEY_PREFIX = "rl"

_RATE = re.compile(r"^(\d+)/(\d*)(s|sec|second|m|min|minute|h|hour|d|day)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    name: str
    what: str  # what was limited, for the 429 page's heading
    message: str  # one sentence a person understands


LIMITS: dict[str, Limit] = {
    limit.name: limit
    for limit in [
        Limit("claims", "Claims", "You have made several claims in a short time."),
        Limit("invitations", "Invitations", "You have sent many invitations today."),
        Limit("messages", "Messages", "You are sending messages too quickly."),
        Limit(
            "login_failures",
            "Sign-in attempts",
            "Too many failed login attempts for this account.",
        ),
        Limit(
            "login_failures_ip",
            "Sign-in attempts",
            "Too many failed login attempts from your connection.",
        ),
        Limit("search", "Searches", "You are searching faster than we can answer."),
        Limit("graph", "Graph requests", "You are asking for research graphs faster than we can draw them."),
        Limit("uploads", "Uploads", "You have uploaded many dumps in a short time."),
        Limit("api_anonymous", "API requests", "Too many API requests from this address."),
        Limit("api_user", "API requests", "Too many API requests from this account."),
        Limit("api_token", "Token requests", "Too many token requests from this address."),
    ]
}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """ "5/h" -> Rate(5, 3600); "10/5m" -> Rate(10, 300). ValueError for anything else."""
    match = _RATE.match(text.strip())
    if not match:
        raise ValueError(f"rate {text!r} is not like '5/h', '10/5m' or '120/minute'")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * _UNIT_SECONDS[unit[0]])


def rate_for(name: str) -> Rate | None:
    """The allowance in force for a limit after scaling; None when limits are switched off."""
    scale = settings.RATE_LIMITS_SCALE
    if scale <= 0:
        return None
    rate = parse_rate(getattr(settings, f"RATE_LIMIT_{name.upper()}"))
    return Rate(max(1, math.floor(rate.count * scale)), rate.seconds)


@dataclass(frozen=True)
class Refusal:
    limit: Limit
    retry_after: int  # seconds until the window ends


def _window(name: str, who: str, rate: Rate) -> tuple[str, int]:
    now = time.time()
    start = int(now // rate.seconds) * rate.seconds
    retry_after = max(1, math.ceil(start + rate.seconds - now))
    return f"{KEY_PREFIX}:{name}:{who}:{start}", retry_after


def consume(name: str, who: str) -> Refusal | None:
    """Count one use of ``name`` by ``who``; a Refusal when the allowance was already used up."""
    rate = rate_for(name)
    if rate is None:
        return None
    key, retry_after = _window(name, who, rate)
    cache.add(key, 0, rate.seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: a fresh window
        cache.add(key, 1, rate.seconds + 1)
        used = 1
    return Refusal(LIMITS[name], retry_after) if used > rate.count else None


def exhausted(name: str, who: str) -> Refusal | None:
    """A Refusal when ``who`` has no allowance left for ``name`` (counts nothing)."""
    rate = rate_for(name)
    if rate is None:
        return None
    key, retry_after = _window(name, who, rate)
    return Refusal(LIMITS[name], retry_after) if (cache.get(key) or 0) >= rate.count else None


# --- who is asking ------------------------------------------------------------------------


def client_ip(request) -> str:
    """The client address: REMOTE_ADDR, or X-Forwarded-For behind API_NUM_PROXIES proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return remote


def requester(request) -> str:
    """The key a limit counts against: the user when signed in, else the client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


# --- answers ------------------------------------------------------------------------------


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 90 * 60:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"


def api_error_body(refusal: Refusal) -> dict:
    """The API's error body (api/exceptions.py) for a refusal."""
    return {
        "status": 429,
        "code": "throttled",
        "message": f"{refusal.limit.message} Please try again in {_wait_text(refusal.retry_after)}.",
        "fields": {},
        "retry_after": refusal.retry_after,
    }


def refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """429 with Retry-After: the API's error body under /api/, JSON for scripts, else a page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(api_error_body(refusal), status=429)
    elif "application/json" in request.headers.get("Accept", ""):
        body = {"error": api_error_body(refusal)["message"], "retry_after": refusal.retry_after}
        response = JsonResponse(body, status=429)
    else:
        context = {
            "limit": refusal.limit,
            "retry_after": refusal.retry_after,
            "wait": _wait_text(refusal.retry_after),
        }
        response = render(request, "ratelimit/429.html", context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def limited(name: str, *, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view: each request with one of ``methods`` uses one of ``name``'s allowance."""
    if name not in LIMITS:
        raise KeyError(f"no rate limit named {name!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                refusal = consume(name, requester(request))
                if refusal is not None:
                    return refusal_response(request, refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- failed logins ------------------------------------------------------------------------

# Login forms by URL name, and the field that names the account in each.
LOGIN_VIEWS = {"account_login": "login", "admin:login": "username", "api:auth-token": "username"}


def _account_key(identifier: str) -> str:
    """One key per account however it is named (username or email); the text itself otherwise."""
    identifier = identifier.strip().lower()
    user_model = get_user_model()
    pk = (
        user_model._default_manager.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"user:{pk}" if pk is not None else f"name:{identifier[:200]}"


def _login_identifier(request: HttpRequest, field: str) -> str:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return ""
        value = data.get(field) if isinstance(data, dict) else ""
        return value if isinstance(value, str) else ""
    return request.POST.get(field, "")


def login_failure_record(*, request, credentials: dict) -> None:
    """Count one failed login against the account and the address it came from."""
    identifier = credentials.get("username") or credentials.get("email") or credentials.get("login") or ""
    if identifier:
        consume("login_failures", _account_key(identifier))
    if request is not None:
        consume("login_failures_ip", f"ip:{client_ip(request)}")


def login_refusal(*, request: HttpRequest, identifier: str) -> Refusal | None:
    """A Refusal when this account or this address has used its failed-login allowance."""
    if identifier:
        refusal = exhausted("login_failures", _account_key(identifier))
        if refusal is not None:
            return refusal
    return exhausted("login_failures_ip", f"ip:{client_ip(request)}")


class LoginLimitMiddleware:
    """Refuse a login POST (allauth, admin, API token) once its account or address is over the limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        field = LOGIN_VIEWS.get(request.resolver_match.view_name)
        if field is None:
            return None
        refusal = login_refusal(request=request, identifier=_login_identifier(request, field))
        return refusal_response(request, refusal) if refusal is not None else None


def login_failed_receiver(sender, credentials: dict, request=None, **kwargs) -> None:
    """``user_login_failed`` handler: every authenticate() that fails counts, wherever it ran."""
    login_failure_record(request=request, credentials=credentials)
