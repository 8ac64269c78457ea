"""Test stub: the Prefect schedule classes."""

from prefect._schedules import CronSchedule, IntervalSchedule, RRuleSchedule

__all__ = ["CronSchedule", "IntervalSchedule", "RRuleSchedule"]
