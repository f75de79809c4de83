"""livestream.model.alarm_rules: one rule per threshold setting, and the runbook printed from the rules."""

from __future__ import annotations

from livestream.model import alarm_rules
from livestream.model.settings import ALARM_DEFAULTS, AlarmThreshold


def test_every_threshold_key_has_an_alarm_rule_and_a_runbook_row() -> None:
    assert set(alarm_rules.RULES) == set(ALARM_DEFAULTS)
    table = alarm_rules.runbook_markdown()
    for rule in alarm_rules.RULES.values():
        assert f"`{rule.key}`" in table
        assert rule.meaning and rule.action


def test_every_rule_is_scoped_once() -> None:
    scoped = set(alarm_rules.PIPELINE_RULES) | set(alarm_rules.DISTRIBUTION_RULES)
    assert len(scoped) == len(alarm_rules.PIPELINE_RULES) + len(alarm_rules.DISTRIBUTION_RULES)
    assert {k for k, r in alarm_rules.RULES.items() if r.scope == "distribution"} == set(alarm_rules.DISTRIBUTION_RULES)


def test_description_states_the_condition_and_what_to_do() -> None:
    rule = alarm_rules.RULES["inputLoss"]
    text = alarm_rules.description(rule, "main pipeline 0", AlarmThreshold(1, 60, 2))
    assert text.startswith("Input lost on main pipeline 0: InputVideoFrameRate Maximum < 1 for 2 min.")
    assert text.endswith("What to do: " + rule.action)
    dropped = alarm_rules.description(alarm_rules.RULES["droppedFrames"], "x", AlarmThreshold(10, 60, 3))
    assert "DroppedFrames Sum >= 10 for 3 min." in dropped
