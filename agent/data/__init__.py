"""The bundled sample catalogue: fictional connpass v2 events for running Confee with no connpass key.

``sample_events.json`` is written by ``python -m agent.data.generate``; every URL in it is on the
reserved ``.example`` domain so it can never pass for real connpass data.
"""

#: File name of the catalogue inside this package.
SAMPLE_EVENTS_FILE = "sample_events.json"
