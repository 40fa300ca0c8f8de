"""Turning run events into what people and machines read: terminal lines, JSON lines, results."""
