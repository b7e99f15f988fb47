"""Who may use the write endpoints (and the private reads): anonymous, user, owner, staff."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Claim, Follow
from ingest.models import ImportBatch
from tests.api.conftest import client_for, make_author, make_user


@pytest.fixture
def people(django_user_model):
    return {
        "user": make_user(django_user_model, "user"),
        "owner": make_user(django_user_model, "owner"),
        "staff": make_user(django_user_model, "staff", staff=True),
        "unverified": make_user(django_user_model, "unverified", verified=False),
    }


def as_role(people, role: str) -> APIClient:
    return client_for(None if role == "anonymous" else people[role])


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


# --- follow --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("user", 200), ("owner", 409), ("staff", 200)],
)
def test_follow(people, role, expected):
    author = make_author("Followed Person", claimed_by=people["owner"])  # "owner": their own profile
    response = as_role(people, role).post(f"/api/v1/authors/{author.slug}/follow/")

    assert response.status_code == expected
    following = Follow.objects.filter(author=author).count()
    if expected == 200:
        assert response.json() == {"author": author.slug, "following": True, "follower_count": 1}
        assert following == 1
    else:
        assert following == 0
    if role == "anonymous":
        assert response["WWW-Authenticate"] == "Token"
        assert error(response) == (401, "not_authenticated")
    if role == "owner":
        assert error(response) == (409, "conflict")


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("user", 200), ("staff", 200)])
def test_unfollow_is_for_yourself_only(people, role, expected):
    author = make_author("Followed Person")
    Follow.objects.create(user=people["user"], author=author)
    Follow.objects.create(user=people["staff"], author=author)

    response = as_role(people, role).delete(f"/api/v1/authors/{author.slug}/follow/")

    assert response.status_code == expected
    remaining = set(Follow.objects.filter(author=author).values_list("user__username", flat=True))
    assert remaining == {"user", "staff"} - ({role} if expected == 200 else set())


def test_follow_twice_counts_once_and_state_is_per_user(people):
    author = make_author("Followed Person")
    client = client_for(people["user"])
    client.post(f"/api/v1/authors/{author.slug}/follow/")
    client.post(f"/api/v1/authors/{author.slug}/follow/")

    assert client.get(f"/api/v1/authors/{author.slug}/follow/").json()["following"] is True
    assert client_for(people["staff"]).get(f"/api/v1/authors/{author.slug}/follow/").json() == {
        "author": author.slug,
        "following": False,
        "follower_count": 1,
    }


# --- claims --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("unverified", 403, "email_not_verified"),
        ("user", 201, None),
        ("owner", 409, "conflict"),  # already owns a profile: one per account
        ("staff", 201, None),
    ],
)
def test_claim_create(people, role, expected, code):
    make_author("Owned Person", claimed_by=people["owner"])
    author = make_author("Claimable Person")

    response = as_role(people, role).post(
        f"/api/v1/authors/{author.slug}/claims/", {"evidence_text": "These are my papers."}, format="json"
    )

    assert response.status_code == expected
    if code:
        assert error(response) == (expected, code)
        assert not Claim.objects.filter(author=author).exists()
    else:
        body = response.json()
        assert body["status"] == "pending" and body["author"]["slug"] == author.slug
        assert response["Location"] == body["api_url"]
        assert Claim.objects.get(author=author).user == people[role]


def test_claim_needs_evidence(people):
    author = make_author("Claimable Person")
    response = client_for(people["user"]).post(f"/api/v1/authors/{author.slug}/claims/", {}, format="json")
    assert error(response) == (400, "refused")
    bad_orcid = client_for(people["user"]).post(
        f"/api/v1/authors/{author.slug}/claims/", {"evidence_orcid": "not-an-orcid"}, format="json"
    )
    assert bad_orcid.status_code == 400 and "evidence_orcid" in bad_orcid.json()["fields"]


@pytest.fixture
def pending_claim(people):
    author = make_author("Claimed Person")
    return Claim.objects.create(user=people["owner"], author=author, evidence_text="me")


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 401), ("user", 404), ("owner", 200), ("staff", 200)]
)
def test_claim_status(people, pending_claim, role, expected):
    response = as_role(people, role).get(f"/api/v1/claims/{pending_claim.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == "pending"


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 401), ("user", 404), ("owner", 200), ("staff", 403)]
)
def test_claim_withdraw(people, pending_claim, role, expected):
    response = as_role(people, role).post(f"/api/v1/claims/{pending_claim.pk}/withdraw/")

    assert response.status_code == expected
    pending_claim.refresh_from_db()
    assert pending_claim.status == ("withdrawn" if expected == 200 else "pending")


def test_withdrawn_claim_cannot_be_withdrawn_again(people, pending_claim):
    client = client_for(people["owner"])
    client.post(f"/api/v1/claims/{pending_claim.pk}/withdraw/")
    assert error(client.post(f"/api/v1/claims/{pending_claim.pk}/withdraw/")) == (409, "conflict")


def test_claim_list_shows_your_own_and_staff_everyones(people, pending_claim):
    other = Claim.objects.create(user=people["user"], author=make_author("Someone Else"), evidence_text="x")

    def ids(role):
        return [claim["id"] for claim in as_role(people, role).get("/api/v1/claims/").json()["results"]]

    assert as_role(people, "anonymous").get("/api/v1/claims/").status_code == 401
    assert ids("owner") == [pending_claim.pk]
    assert ids("user") == [other.pk]
    assert sorted(ids("staff")) == sorted([pending_claim.pk, other.pk])


# --- imports (staff only) ------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("user", 403), ("staff", 201)])
def test_import_upload(people, role, expected, django_capture_on_commit_callbacks):
    dump = SimpleUploadedFile("abstracts.txt", b"Abstract:We study preference learning.\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_role(people, role).post(
            "/api/v1/imports/", {"file": dump, "subject_name": "Ada Lovelace"}, format="multipart"
        )

    assert response.status_code == expected
    if expected == 201:
        body = response.json()
        batch = ImportBatch.objects.get(pk=body["id"])
        assert batch.created_by == people["staff"] and batch.subject_name == "Ada Lovelace"
        assert body["status"] == "queued"  # the import runs after the upload is committed ...
        batch.refresh_from_db()
        assert (batch.status, batch.total_records) == ("done", 1)  # ... here by eager Celery
        assert response["Location"].endswith(f"/api/v1/imports/{batch.pk}/")
    else:
        assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/imports/",
        "/api/v1/imports/{id}/",
        "/api/v1/imports/{id}/records/",
        "/api/v1/imports/{id}/report.csv",
    ],
)
@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("user", 403), ("staff", 200)])
def test_import_reads_are_staff_only(people, path, role, expected, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = (
            client_for(people["staff"])
            .post(
                "/api/v1/imports/",
                {"file": SimpleUploadedFile("a.txt", b"Abstract:Text.\n")},
                format="multipart",
            )
            .json()
        )
    response = as_role(people, role).get(path.format(id=batch["id"]))
    assert response.status_code == expected


def test_rejected_upload_says_why(people):
    staff = client_for(people["staff"])
    empty = staff.post("/api/v1/imports/", {"file": SimpleUploadedFile("e.txt", b"")}, format="multipart")
    assert empty.status_code == 400  # DRF refuses an empty file before the importer sees it
    unknown = staff.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile("a.txt", b"x"), "format": "pdf"}, format="multipart"
    )
    assert unknown.status_code == 400 and "format" in unknown.json()["fields"]


def test_upload_over_the_size_limit_is_refused_by_the_importer_rules(people, settings):
    settings.IMPORT_MAX_BYTES = 10
    response = client_for(people["staff"]).post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("big.txt", b"Abstract:" + b"x" * 20)},
        format="multipart",
    )
    assert error(response) == (400, "import_rejected")
    assert "the limit is 10 bytes" in response.json()["message"]
    assert not ImportBatch.objects.exists()


# --- sessions, CSRF and tokens -------------------------------------------------------------


def test_session_writes_need_the_csrf_token(people):
    author = make_author("Followed Person")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(people["user"])

    refused = client.post(f"/api/v1/authors/{author.slug}/follow/")
    assert error(refused) == (403, "permission_denied")
    assert "CSRF" in refused.json()["message"]

    secret = "k" * 32  # what the site's pages put in the csrftoken cookie, sent back as a header
    client.cookies["csrftoken"] = secret
    accepted = client.post(f"/api/v1/authors/{author.slug}/follow/", HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 200


def test_token_from_username_and_password(people):
    author = make_author("Followed Person")
    anonymous = APIClient()
    wrong = anonymous.post("/api/v1/auth/token/", {"username": "user", "password": "nope"}, format="json")
    assert error(wrong) == (400, "validation_error")

    token = anonymous.post(
        "/api/v1/auth/token/", {"username": "user", "password": "user-password"}, format="json"
    ).json()["token"]
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert program.post(f"/api/v1/authors/{author.slug}/follow/").status_code == 200

    bogus = APIClient()
    bogus.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert error(bogus.get("/api/v1/authors/")) == (401, "authentication_failed")


# --- staff endpoints check model permissions, not only is_staff -----------------------------


def staff_with(django_user_model, name: str, *permissions: str):
    from django.contrib.auth.models import Permission

    user = make_user(django_user_model, name)
    user.is_staff = True
    user.save()
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)


def test_claim_evidence_needs_the_view_claim_permission(people, pending_claim, django_user_model):
    bare_staff = staff_with(django_user_model, "bare")
    reviewer = staff_with(django_user_model, "reviewer", "accounts.view_claim")
    assert client_for(bare_staff).get("/api/v1/claims/").json()["results"] == []
    assert client_for(bare_staff).get(f"/api/v1/claims/{pending_claim.pk}/").status_code == 404
    body = client_for(reviewer).get(f"/api/v1/claims/{pending_claim.pk}/").json()
    assert body["evidence_text"] == pending_claim.evidence_text
    assert [claim["id"] for claim in client_for(reviewer).get("/api/v1/claims/").json()["results"]] == [
        pending_claim.pk
    ]


@pytest.mark.parametrize(
    ("permissions", "read", "upload"),
    [
        ((), 403, 403),
        (("ingest.view_importbatch",), 200, 403),
        (("ingest.view_importbatch", "ingest.add_importbatch"), 200, 201),
    ],
)
def test_import_endpoints_need_model_permissions(people, django_user_model, permissions, read, upload):
    user = staff_with(django_user_model, "operator", *permissions)
    client = client_for(user)
    assert client.get("/api/v1/imports/").status_code == read
    response = client.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile("a.txt", b"Abstract:Text.\n")}, format="multipart"
    )
    assert response.status_code == upload
    if upload == 403:
        assert response.json()["code"] == "permission_denied" and not ImportBatch.objects.exists()


def test_import_records_need_their_own_view_permission(people, django_user_model):
    batch = ImportBatch.objects.create(original_name="a.txt", checksum="0" * 64)
    batches_only = client_for(staff_with(django_user_model, "batches", "ingest.view_importbatch"))
    assert batches_only.get(f"/api/v1/imports/{batch.pk}/").status_code == 200
    assert batches_only.get(f"/api/v1/imports/{batch.pk}/records/").status_code == 403
    both = client_for(
        staff_with(django_user_model, "both", "ingest.view_importbatch", "ingest.view_importrecord")
    )
    assert both.get(f"/api/v1/imports/{batch.pk}/records/").status_code == 200
