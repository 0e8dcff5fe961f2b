"""The toxicity model: its data sets, the numpy encoder, the shipped heads."""

from __future__ import annotations

import json

import pytest

from dateline.moderation import evaluation, minilm, toxicity, training


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def test_the_evaluation_set_is_large_balanced_and_never_trained_on():
    evaluation_rows = training.load(training.EVAL)
    training_rows = training.load(training.TRAIN)
    assert len(evaluation_rows) >= 300
    abusive = sum(r.label for r in evaluation_rows) / len(evaluation_rows)
    assert 0.45 <= abusive <= 0.55  # about half, as the issue asks
    kinds = {r.kind for r in evaluation_rows}
    assert {"heated", "sarcasm", "war", "threat", "group"} <= kinds
    assert not {_normal(r.text) for r in evaluation_rows} & {
        _normal(r.text) for r in training_rows
    }
    # The shipped heads were trained on the training file as it is now.
    saved = json.loads(toxicity.HEADS_FILE.read_text())
    assert saved["trained_on"]["sha256"] == training.digest(training.TRAIN)


def test_a_malformed_data_line_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "label": 0, "kind": "civil"}\n{"text": "x"}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl, line 2"):
        training.load(bad)


def test_the_encoder_puts_sentences_that_mean_the_same_close_together():
    embed = minilm.encoder().embed
    tanks = embed("The missiles destroyed the tanks.")
    armour = embed("Rockets hit the armoured vehicles.")
    bakery = embed("I love the new bakery on the corner.")
    assert abs(float(tanks @ tanks) - 1.0) < 1e-4
    assert float(tanks @ armour) > float(tanks @ bakery) + 0.3


@pytest.mark.parametrize(
    "text",
    [
        "You are a spineless, dim-witted fraud and everyone here knows it.",
        "People like that journalist deserve a beating in the car park.",
        "Those immigrants are rats and should be driven out of town.",
    ],
)
def test_abuse_outside_both_data_sets_is_flagged(text):
    assert toxicity.cascade_score(text) >= evaluation.THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "Artillery destroyed the bridge and two tanks overnight, the army said.",
        "This budget is a disgrace and the minister should resign.",
        "Oh marvellous, the trams are late again. What a shock.",
    ],
)
def test_war_reporting_and_heated_disagreement_pass(text):
    assert toxicity.cascade_score(text) < evaluation.THRESHOLD


def test_the_shipped_heads_are_what_training_on_the_training_set_gives():
    retrained = training.train()
    saved = json.loads(toxicity.HEADS_FILE.read_text())
    assert retrained["trained_on"] == saved["trained_on"]
    for depth, head in saved["heads"].items():
        again = retrained["heads"][depth]
        assert again["bias"] == pytest.approx(head["bias"], abs=1e-5)
        assert again["weights"] == pytest.approx(head["weights"], abs=1e-5)


def test_roc_auc():
    assert evaluation.roc_auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]) == 1.0
    assert evaluation.roc_auc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]) == 0.0
    assert evaluation.roc_auc([0.5, 0.5], [1, 0]) == 0.5
    assert evaluation.roc_auc([0.9, 0.3, 0.5], [1, 1, 0]) == 0.5
    with pytest.raises(ValueError):
        evaluation.roc_auc([0.5, 0.6], [1, 1])


def test_evaluate_counts_precision_recall_and_heated_false_positives():
    rows = [
        training.Example("a", 1, "threat"),
        training.Example("b", 1, "group"),
        training.Example("c", 0, "heated"),
        training.Example("d", 0, "heated"),
    ]
    scores = {"a": 0.9, "b": 0.2, "c": 0.7, "d": 0.1}
    result = evaluation.evaluate("toy", scores.__getitem__, rows)
    assert result.precision == 0.5 and result.recall == 0.5
    assert result.false_positive_rate == {"heated": 0.5}
    assert result.hard_recall == {"threat": 1.0, "group": 0.0}
    assert "toy_roc_auc=0.750" in result.lines()  # 3 of 4 pairs in order
