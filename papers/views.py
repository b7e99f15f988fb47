from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from ingest.models import ImportRecord
from papers.models import Authorship, Paper, PaperTopic


def paper_detail(request, slug: str):
    paper = get_object_or_404(
        Paper.objects.select_related("primary_category").prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author").order_by("position"),
            ),
            Prefetch("paper_topics", queryset=PaperTopic.objects.select_related("topic")),
            Prefetch("import_records", queryset=ImportRecord.objects.select_related("batch")),
        ),
        slug=slug,
    )
    return render(request, "papers/paper_detail.html", {"paper": paper})
