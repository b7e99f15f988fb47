from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from papers.models import Paper
from profiles import selectors
from profiles.models import Author


def home(request):
    context = {
        "author_count": Author.objects.filter(merged_into=None).count(),
        "paper_count": Paper.objects.count(),
        "recent_papers": Paper.objects.order_by("-created_at")[:8],
        "top_authors": selectors.most_followed_authors(),
    }
    return render(request, "profiles/home.html", context)


def author_list(request):
    page = Paginator(selectors.author_list(), 50).get_page(request.GET.get("page"))
    return render(request, "profiles/author_list.html", {"page": page})


def author_detail(request, slug: str):
    author = get_object_or_404(Author.objects.select_related("institution", "merged_into"), slug=slug)
    if author.merged_into_id:
        return redirect(author.merged_into, permanent=True)
    works = Paginator(selectors.author_works(author=author), 20).get_page(request.GET.get("page"))
    context = {
        "author": author,
        "aliases": author.aliases.exclude(name=author.display_name).values_list("name", flat=True),
        "works": works,
    }
    return render(request, "profiles/author_detail.html", context)
