"""The analysts' view: read, compare, replay and draw checkpointed conversations."""
