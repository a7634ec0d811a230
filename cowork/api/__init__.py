"""The REST API at /api/v1/, built with django-ninja.

`main.api` is the NinjaAPI; each resource has its router module; `errors` maps every failure
to one JSON shape; `auth` accepts a bearer token or the web session. Views are thin: parse
(`schemas`), look up or call one selector or service, render (`schemas` again).
"""
