"""The placeholder LLM: `AgentSession` requires one, but the graph answers every turn."""

from __future__ import annotations

from typing import Any

from livekit.agents import llm
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)


class GraphLLM(llm.LLM[Any]):
    """Stand in for the LLM; `BookingAgent.llm_node` never calls it.

    LiveKit 1.8.9 skips the reply to a user turn when the session has no LLM, even when
    `Agent.llm_node` is overridden, so the session gets this one. Its name labels the
    turn metrics ("langgraph" / "booking-graph").
    """

    @property
    def model(self) -> str:
        """Name the graph in LiveKit's metrics."""
        return "booking-graph"

    @property
    def provider(self) -> str:
        """Name the provider in LiveKit's metrics."""
        return "langgraph"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        """Refuse: a call here means a reply bypassed the graph."""
        raise RuntimeError("the booking graph answers in BookingAgent.llm_node; no LLM is called")
