from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 100); every list has a total order, so pages are stable."""

    page_size_query_param = "page_size"
    max_page_size = 100
