"""A researcher signs up, verifies, claims; staff approve; a colleague follows and invites; they talk.

Headless Debian Chromium through Playwright, against pytest-django's live server. Screenshots of
each step go to test-artifacts/accounts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from papers.models import Authorship, Paper
from profiles.models import Author
from profiles.services import authors_refresh_counts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "accounts"


def _trust_score(page) -> int:
    badge = page.locator(".trust-badge").first.inner_text()
    return int(re.search(r"Trust (\d+)", badge).group(1))


def test_signup_verify_claim_approve_follow_invite_reply(browser, live_server, django_user_model):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    author = Author.objects.create(
        display_name="Grace Hopper", slug="grace-hopper", normalized_name="grace hopper"
    )
    for index in range(3):
        paper = Paper.objects.create(
            slug=f"cobol-{index}", title=f"Compiling COBOL, part {index}", year=1959 + index
        )
        Authorship.objects.create(paper=paper, author=author, position=0, name_as_written="Grace Hopper")
    authors_refresh_counts(author_ids=[author.pk])
    django_user_model.objects.create_superuser("admin", "admin@example.org", "admin-password-1")
    colleague = django_user_model.objects.create_user("bob", "bob@example.org", "bob-password-1")
    colleague.emailaddress_set.create(email="bob@example.org", verified=True, primary=True)
    profile_url = live_server.url + author.get_absolute_url()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def shot(name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def log_out() -> None:
        page.goto(live_server.url + "/accounts/logout/")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()

    # 1. Sign up.
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=email]", "grace@example.org")
    page.fill("input[name=username]", "grace")
    page.fill("input[name=password1]", "amazing-grace-1906")
    page.fill("input[name=password2]", "amazing-grace-1906")
    shot("01-signup")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    # Unverified: the profile asks for verification instead of offering the claim.
    page.goto(profile_url)
    assert "Verify your email address to claim this profile" in page.content()
    before = _trust_score(page)

    # 2. Verify the address with the link from the outbox.
    # The link names the production host and scheme; follow its path on the live server.
    link = re.search(r"https?://\S+?(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    shot("02-confirm-email")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    # 3. Claim the profile.
    page.goto(profile_url)
    page.get_by_role("link", name="Claim this profile").click()
    page.fill("textarea[name=evidence_text]", "I wrote these compilers; see my homepage.")
    page.fill("input[name=evidence_homepage]", "https://example.org/grace")
    shot("03-claim-form")
    page.get_by_role("button", name="Submit claim").click()
    page.wait_for_load_state()
    assert "Your claim is waiting for review" in page.content()
    shot("04-claim-pending")
    log_out()

    # 4. Staff approve it in the admin claims queue.
    page.goto(live_server.url + "/admin/login/?next=/admin/accounts/claim/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "admin-password-1")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/accounts/claim/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "approve_claims")
    shot("05-admin-queue")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert "1 claim decided." in page.content()
    shot("06-admin-approved")

    # 5. The profile says Claimed and the trust score rose.
    context.clear_cookies()
    page.goto(profile_url)
    assert page.locator(".identity-box .chip--good", has_text="Claimed").is_visible()
    after = _trust_score(page)
    assert after > before, (before, after)
    shot("07-profile-claimed")

    # 6. A colleague follows (no reload) and sends an invitation.
    page.goto(live_server.url + "/accounts/login/?next=" + author.get_absolute_url())
    page.fill("input[name=login]", "bob")
    page.fill("input[name=password]", "bob-password-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(profile_url)
    follow = page.locator("[data-follow-form] button")
    assert follow.inner_text().startswith("Follow researcher")
    page.evaluate("window.__noReload = true")  # survives only if the page is not reloaded
    follow.click()
    page.wait_for_function(  # a function, not a string: Playwright evals strings, which CSP forbids
        "() => document.querySelector('[data-follow-form] button').getAttribute('aria-pressed') === 'true'"
    )
    assert page.evaluate("window.__noReload") is True
    assert page.locator("[data-follow-form] [data-follower-count]").inner_text() == "1"
    assert "Following" in follow.inner_text()
    shot("08-followed")
    page.get_by_role("link", name="Invite to collaborate").click()
    page.fill("input[name=subject]", "Compiler history workshop")
    page.fill("textarea[name=body]", "Would you give the opening talk?")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert "Your invitation was sent" in page.content()
    shot("09-invitation-sent")
    context.clear_cookies()

    # 7. The owner finds it in the inbox and replies.
    page.goto(live_server.url + "/accounts/login/?next=/inbox/")
    page.fill("input[name=login]", "grace")
    page.fill("input[name=password]", "amazing-grace-1906")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/inbox/")
    assert "1 unread" in page.content()
    shot("10-inbox")
    page.get_by_role("link", name="Compiler history workshop").click()
    assert "Would you give the opening talk?" in page.content()
    page.fill("textarea[name=body]", "With pleasure. I will bring a nanosecond.")
    page.get_by_role("button", name="Accept and reply").click()
    page.wait_for_load_state()
    assert page.locator(".thread__message--mine", has_text="I will bring a nanosecond").is_visible()
    assert "Accepted" in page.content()
    shot("11-replied")
    context.close()
