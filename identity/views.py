"""Author-identity actions a researcher takes on their own profile ("not mine")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from identity import services as merging
from papers.models import Paper
from profiles.models import Author


@require_POST
@login_required
def paper_disown(request, slug: str, paper_slug: str):
    """The researcher who claimed this profile says a paper is not theirs: an admin decides."""
    author = get_object_or_404(Author, slug=slug, merged_into=None)
    if request.user.pk != author.claimed_by_id:
        raise PermissionDenied("Only the researcher who claimed this profile can disown its papers.")
    paper = get_object_or_404(Paper, slug=paper_slug, authorships__author=author)
    try:
        merging.paper_disown(
            author=author, paper=paper, user=request.user, reason=request.POST.get("reason", "")[:2000]
        )
    except merging.IdentityError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Thanks: an admin will review “{paper}”. It stays on your profile until then."
        )
    return redirect(author)
