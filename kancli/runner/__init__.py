"""Running Blueprint actions: phases in order, the deferPhase always, artifacts last."""

from kancli.runner.action import ActionResult, PhaseResult, RunOptions, mentions, run_action

__all__ = ["ActionResult", "PhaseResult", "RunOptions", "mentions", "run_action"]
