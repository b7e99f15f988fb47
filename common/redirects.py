"""Pages answer a moved or missing thing (common.errors) the way the API does: 301 or 404."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect

from common import errors


def moved_permanently(view):
    """A view decorator: ``errors.Moved`` raised inside (a merged author, from
    ``profiles.selectors.author_or_moved``) becomes a 301 to the same path with the old part
    replaced by the new one, as the API answers; ``errors.NotFound`` becomes a 404.

    The query string is not carried over: a page number or filter of the merged record may
    not apply to the survivor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.Moved as moved:
            location = request.path.replace(moved.old_path, moved.new_path, 1)
            return HttpResponsePermanentRedirect(location)
        except errors.NotFound as error:
            raise Http404(error.message) from error

    return wrapper
