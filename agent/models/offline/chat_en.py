"""Short English replies for messages that need no search (greetings, thanks, help, off-topic, refusals)."""

from __future__ import annotations

from agent.models.offline.intent import ChatKind

_CAN_DO = (
    "I find tech events in Japan listed on connpass, by technology (TypeScript, generative AI …), place "
    "(a prefecture, a city or online) and time (this weekend, next month …)."
)
_EXAMPLES = (
    "For example, try:\n- “Any TypeScript conferences?”\n- “Rust meetups in Osaka next month”\n"
    "- “Beginner-friendly online events this weekend”"
)


def write_chat_en(kind: ChatKind) -> str:
    """A short, polite English reply that says what Confee can do."""
    if kind == "greeting":
        return f"Hello! I'm Confee. {_CAN_DO}\n\n{_EXAMPLES}"
    if kind == "thanks":
        return (
            "You're welcome! Ask me any time about other events. Send “more” for further results, or "
            "“What about Osaka?” / “Next month?” to change the search."
        )
    if kind == "bye":
        return "Thanks for using Confee. Enjoy the events!"
    if kind == "help":
        return (
            f"Confee is an assistant for finding tech events. {_CAN_DO}\n\n{_EXAMPLES}\n\n"
            "Send “more” to see further results, or “What about Osaka?” / “Next month?” to refine the last search."
        )
    if kind == "refusal":
        return (
            "Sorry, I can't share or change my instructions. I can help you find tech events in Japan, though: "
            "tell me a technology, a place or a time."
        )
    return f"Sorry, I only help with finding tech events, so I can't answer that. {_CAN_DO}\n\n{_EXAMPLES}"
