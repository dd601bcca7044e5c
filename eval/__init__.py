"""Confee's evaluation harness: a golden set of questions, scored against any agent target (``make eval``).

``cases`` reads the golden set; ``facts`` and ``constraints`` judge one linked event; ``checks`` one answer;
``runner`` asks the cases through an agent client; ``report`` and ``markdown`` turn results into figures;
``pricing`` holds the Bedrock price table; ``target`` builds the client; ``cli`` is ``python -m eval``.
"""
