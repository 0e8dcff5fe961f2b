"""The toxicity model: its data sets, the numpy encoder, the shipped heads."""

from __future__ import annotations

import json

import pytest

from dateline.moderation import (
    evaluation,
    minilm,
    onnxgraph,
    scorers,
    scoring,
    toxblock,
    toxicity,
    training,
)
from dateline.moderation.scoring import HOLD, REJECT


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def test_the_evaluation_set_is_large_balanced_and_never_trained_on():
    evaluation_rows = training.load(training.EVAL)
    training_rows = training.load(training.TRAIN)
    assert len(evaluation_rows) >= 300
    abusive = sum(r.label for r in evaluation_rows) / len(evaluation_rows)
    assert 0.45 <= abusive <= 0.55  # about half, as the issue asks
    kinds = {r.kind for r in evaluation_rows}
    assert {
        "heated",
        "sarcasm",
        "war",
        "short",
        "second_person",
        "informal",
        "quoted",
        "long",
        "threat",
        "group",
        "embedded",
        "informal_insult",
    } <= kinds
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


def _band(text: str) -> str | None:
    return scorers.ToxicityScorer().score(scoring.Draft(text)).insists


@pytest.mark.parametrize(
    "text",
    [
        "You are a spineless, dim-witted fraud and everyone here knows it.",
        "People like that journalist deserve a beating in the car park.",
        "Those immigrants are rats and should be driven out of town.",
        "Get off your soapbox, retard.",
        "lol shut up u absolute clown nobody asked 🤡",
    ],
)
def test_abuse_outside_both_data_sets_is_at_least_flagged(text):
    assert _band(text) in (scoring.FLAG, scoring.RECONSIDER, HOLD, REJECT)


@pytest.mark.parametrize(
    "text",
    [
        "Artillery destroyed the bridge and two tanks overnight, the army said.",
        "This budget is a disgrace and the minister should resign.",
        "Oh marvellous, the trams are late again. What a shock.",
        # Real readers' civil comments the old model held (the issue's list).
        "You are brilliant :)",
        "thinking of you today, so proud of you",
        "You are still anonymous though.",
        "lol no, the match is on thursday",
    ],
)
def test_war_reporting_heated_and_informal_civil_text_is_never_held(text):
    assert _band(text) in (None, scoring.FLAG)


def test_an_insult_both_models_agree_on_is_held_not_just_flagged():
    assert _band("Get off your soapbox, retard. You are a worthless idiot.") in (
        HOLD,
        REJECT,
    )


def test_toxblock_graph_gives_what_the_lstm_written_out_in_numpy_gives():
    texts = [
        "you are a stupid idiot",
        "I like trains",
        "",  # nothing in the vocabulary: all padding
        "the " * 300,  # longer than the 100 steps it reads
        "Get off your soapbox, retard.",
    ]
    model = toxblock.model()
    found = model.predict(texts)
    assert found.shape == (5, 6)
    assert found == pytest.approx(model.predict_reference(texts), abs=1e-5)
    assert found[0][toxblock.CLASSES.index("insult")] > 0.9
    assert found[1].max() < 0.05
    # Several texts at once give what each gives alone.
    alone = model.predict(["I like trains"])[0]
    assert alone == pytest.approx(found[1], abs=1e-6)


def test_the_onnx_graph_is_the_encoder_numpy_runs():
    import numpy as np

    encoder = minilm.encoder()
    texts = ["The missiles destroyed the tanks.", "lol no", "Thank you, really."]
    graph = onnxgraph.session(onnxgraph.build(minilm.model_dir()))
    (pooled,) = graph.run(None, encoder.batch(texts))
    quantized = encoder.embed_full(texts)
    for text, plain, small in zip(texts, pooled, quantized, strict=True):
        reference = encoder.embed(text)
        # The float graph, padded in a batch, is the numpy encoder (its
        # GELU uses erf, numpy's the tanh approximation).
        assert float(plain @ reference / np.linalg.norm(plain)) > 0.9999
        # int8 weights keep the direction within a few percent.
        assert float(small @ reference) > 0.94


def test_the_word_vectors_of_many_texts_at_once_are_each_texts_own():
    import numpy as np

    encoder = minilm.encoder()
    texts = ["lol no", "", "YOU ARE ALL LIARS!!", "a" * 900, "Danke 🙂 schön"]
    together = encoder.embed_words(texts)
    assert together.shape == (len(texts), minilm.HIDDEN)
    for text, row in zip(texts, together, strict=True):
        assert row == pytest.approx(encoder.embed(text, 0), abs=1e-5)
    assert float(np.linalg.norm(together[2])) == pytest.approx(1.0, abs=1e-5)


def test_only_a_long_comments_encoder_call_gets_more_threads(settings):
    settings.DATELINE_MODERATION_MODEL_THREADS = 2
    encoder = minilm.encoder()
    short = encoder.batch(["Thank you, really."])
    long = encoder.batch(["word " * 100, "other words " * 40])
    assert encoder.threads_for(short) == 1
    assert encoder.threads_for(long) == 2
    # Two threads give what one gives.
    (one,) = encoder.session(1).run(None, long)
    (two,) = encoder.session(2).run(None, long)
    assert two == pytest.approx(one, abs=1e-4)
    settings.DATELINE_MODERATION_MODEL_THREADS = 1
    assert encoder.threads_for(long) == 1


def test_toxblock_refuses_files_it_was_not_built_for(tmp_path):
    (tmp_path / toxblock.VOCABULARY).write_bytes(b"not the tokenizer")
    with pytest.raises(RuntimeError, match="not the ToxBlock file"):
        toxblock.ToxBlock(tmp_path)


def test_the_shipped_heads_are_what_training_on_the_training_set_gives():
    """Retrained here, each head scores the training set as the shipped one.

    The word-vector head (numpy) comes out the same to the last digit. The
    full head reads the int8 onnxruntime graph, whose integer kernels differ
    between CPUs (on an AVX2 machine without VNNI its bias came out -1.670
    against the shipped -1.701): its scores, not its numbers, must agree.
    """
    import numpy as np

    retrained = training.train()
    saved = json.loads(toxicity.HEADS_FILE.read_text())
    assert retrained["trained_on"] == saved["trained_on"]
    texts = [r.text for r in training.load(training.TRAIN)]
    for depth, head in saved["heads"].items():
        again = retrained["heads"][depth]
        x = training.features(texts, int(depth))
        apart = np.abs(
            training.scores(x, again["weights"], again["bias"])
            - training.scores(x, head["weights"], head["bias"])
        )
        assert float(apart.max()) <= 0.05, depth
        assert float(apart.mean()) <= 0.01, depth


def test_roc_auc():
    assert evaluation.roc_auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]) == 1.0
    assert evaluation.roc_auc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]) == 0.0
    assert evaluation.roc_auc([0.5, 0.5], [1, 0]) == 0.5
    assert evaluation.roc_auc([0.9, 0.3, 0.5], [1, 1, 0]) == 0.5
    with pytest.raises(ValueError):
        evaluation.roc_auc([0.5, 0.6], [1, 1])


def test_the_band_report_counts_each_style_and_band():
    rows = [
        training.Example("a", 1, "threat"),
        training.Example("b", 1, "group"),
        training.Example("c", 0, "heated"),
        training.Example("d", 0, "heated"),
        training.Example("e", 0, "short"),
    ]
    answers = {
        "a": (scoring.HOLD, 0.9),
        "b": (scoring.APPROVE, 0.2),
        "c": (scoring.RECONSIDER, 0.7),
        "d": (scoring.REJECT, 0.1),
        "e": (scoring.FLAG, 0.3),
    }
    result = evaluation.run_bands("toy", answers.__getitem__, rows)
    lines = result.lines()
    assert "toy_civil_held_or_rejected=0.333" in lines  # d of c, d, e
    assert "toy_civil_held_or_rejected_heated=0.500" in lines
    assert "toy_civil_held_or_rejected_short=0.000" in lines
    assert "toy_civil_asked_to_reconsider=0.333" in lines
    assert "toy_abusive_published_unflagged_group=1.000" in lines
    assert "toy_abusive_published_unflagged_threat=0.000" in lines
    assert "toy_civil_in_flag=0.333" in lines
    # 0.9 beats all three civil, 0.2 beats only d (0.1): 4 of 6 pairs.
    assert "toy_roc_auc=0.667" in lines


@pytest.mark.parametrize("shape", sorted(evaluation.PATHOLOGICAL))
def test_a_comment_of_any_shape_costs_a_bounded_number_of_model_units(
    monkeypatch, shape
):
    text = evaluation.PATHOLOGICAL[shape]
    seen: dict[str, int] = {"encoder": 0, "tokens": 0, "quick": 0}
    embed_full = minilm.Encoder.embed_full
    quick = toxicity.quick

    def counting_embed(self, texts):
        seen["encoder"] += len(texts)
        seen["tokens"] += sum(len(self.tokenizer.encode(t).ids) for t in texts)
        return embed_full(self, texts)

    def counting_quick(texts):
        seen["quick"] += len(texts)
        return quick(texts)

    monkeypatch.setattr(minilm.Encoder, "embed_full", counting_embed)
    monkeypatch.setattr(toxicity, "quick", counting_quick)
    scorers.ToxicityScorer().score(scoring.Draft(text[:5000]))
    assert seen["encoder"] <= toxicity.MAX_ENCODED
    assert seen["tokens"] <= max(toxicity.MAX_ENCODED_TOKENS, minilm.MAX_TOKENS)
    assert seen["quick"] <= scorers.MAX_PASSAGES


def test_only_the_sentence_that_attacks_is_marked():
    text = (
        "Power came back at 2am on our street. Anyone who still believes the "
        "ministry is a gullible idiot."
    )
    answer = scorers.ToxicityScorer().score(scoring.Draft(text))
    assert answer.reasons
    marked = [text[a:b] for a, b in answer.reasons[0].spans]
    assert len(marked) == 1 and "gullible idiot" in marked[0]
