"""Which pages may be kept once rendered and served again (cowork.config.page_cache)."""

KEPT = "page_cache_kept"


def kept_page(view):
    """Mark a page that may be served again, as rendered, until anything is written.

    Only for pages that read nothing but the database, the reader (their session and
    language) and the clock to the minute: the middleware keys a kept copy by the page
    version (cowork.page_version), the minute, the language, the session and the address.
    A page that is not safe so (one that reads other headers, a cookie or the session's
    one-off data) must not carry the mark.
    """
    setattr(view, KEPT, True)
    return view
