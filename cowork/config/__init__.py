"""The project's wiring: settings, the ASGI application, URLs, middleware, probes, logging.

The one part of `cowork` that may import `realtime` and `notifications` (it mounts their
routes and URLs). It may import the domain; nothing in the domain, `realtime` or
`notifications` imports it, so the domain stays usable without this installation's choices.
"""
