"""The Chat API's HTTP rules and endpoints, assembled by ``proxy.app``.

Pure parts (``validation``, ``headers``, ``logs``, ``agent``) import the standard library only; ``sse``,
``middleware``, ``responses`` and ``routes`` speak ASGI through Starlette.
"""
