"""Response headers every app needs."""

from django.utils.cache import add_never_cache_headers


class ApiNoStoreMiddleware:
    """Every /api/ response is marked `Cache-Control: no-store`: complaints, cases and tokens must
    never sit in a browser's or a proxy's cache."""

    prefix = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefix):
            add_never_cache_headers(response)
        return response
