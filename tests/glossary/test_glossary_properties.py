"""Property tests: matching any text gives valid, non-overlapping spans of the original text,
and fixing never touches anything but variant spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.glossary.qa import apply_fixes, check_segments

AR_PIECES = ["إدلب", "حماة", "حمات", "اللاذقية", "للاذقية", "جبهة النصرة", "هيئة «تحرير الشام»",
             "الهبيط", "و", "ب", "ل", "ال", "ها", "هم", "ية", " ", "، ", "«", "»", "ـ", "\u064e",
             "23", "٧", "\n", "سراقب", "المركز الروسي للمصالحة", "علي أيوب"]
EN_PIECES = ["Idlib", "Hama", "Hayat Tahrir Al sham", "Hay'at Tahrir al-Sham", "Saraqeb",
             "Jisr al-Shughour", "Levant Liberation Board", "al-", "Al ", "’s", "'", " ", ". ",
             "\n", "turkey", "Turkey", "HTS", "23", "seven", "—", "“", "”", "Jeish al-Izzeh",
             "é", "Khan Sheikhoun"]

ar_text = st.lists(st.sampled_from(AR_PIECES), max_size=25).map("".join)
en_text = st.lists(st.sampled_from(EN_PIECES), max_size=25).map("".join)


@settings(max_examples=150, deadline=None)
@given(ar_text)
def test_arabic_spans_are_valid(curated, text):
    last = 0
    for m in curated.match_arabic(text):
        assert last <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface and m.entry_id in curated
        last = m.end


@settings(max_examples=150, deadline=None)
@given(en_text)
def test_english_spans_are_valid(curated, text):
    last = 0
    for m in curated.match_english(text):
        assert last <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface and m.entry_id in curated
        last = m.end


@settings(max_examples=100, deadline=None)
@given(ar_text, en_text)
def test_fixes_only_replace_variant_spans(curated, src, tgt):
    findings = check_segments(curated, [src], [tgt])
    fixed = apply_fixes(tgt, findings)
    spans = sorted(f.target_span for f in findings if f.kind == "variant")
    if not spans:
        assert fixed == tgt
    # outside the variant spans the text is unchanged: compare the pieces between them
    pos = 0
    rest = fixed
    for a, b in spans:
        assert rest.startswith(tgt[pos:a])
        rest = rest[a - pos:]
        f = next(f for f in findings if f.kind == "variant" and f.target_span == (a, b))
        assert rest[:len(f.fix)].lower() == f.fix.lower()
        rest = rest[len(f.fix):]
        pos = b
    assert rest == tgt[pos:]
    assert not [f for f in check_segments(curated, [src], [fixed]) if f.kind == "variant"
                and f.status != "probable"]


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.sampled_from(["idlib", "Idlib", "إدلب", "faction", "place", "", " x ",
                                     "hts", "nusra", "predecessor"]),
                    st.text(max_size=8))
keys = st.sampled_from(["id", "type", "en", "ar", "variants", "deprecated", "forbidden",
                        "related", "note", "relation", "entries", "ignore", "x"])
yaml_values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=6)), max_leaves=25)


@settings(max_examples=200, deadline=None)
@given(st.one_of(yaml_values, st.dictionaries(st.just("entries"), st.lists(yaml_values,
                                                                            max_size=4))))
def test_lint_never_raises_on_any_structure(tmp_path_factory, data):
    import yaml

    from workbench.glossary import lint_glossary

    path = tmp_path_factory.mktemp("fuzz") / "g.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = lint_glossary([path])
    for issue in report.errors + report.warnings:
        assert str(issue).startswith(str(path))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("entries:- id[]{}&*!|>'\"#\n\t إدلب,?%@`")),
               max_size=60))
def test_lint_never_raises_on_any_text(tmp_path_factory, text):
    from workbench.glossary import lint_glossary

    path = tmp_path_factory.mktemp("fuzz") / "g.yaml"
    path.write_text(text, encoding="utf-8")
    report = lint_glossary([path])
    assert all(str(i).startswith(str(path)) for i in report.errors + report.warnings)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("aAzZ09 -’'éḥ\u00a0«ـ") + AR_PIECES[:8] + EN_PIECES[:8]
                                + ["إ", "ى", "\u064e", "el-", "ﻻ", "١"]),
                max_size=15).map("".join))
def test_token_normalisation_agrees_with_the_text_layer(text):
    """The matcher's cached, token-by-token normalisation gives the text layer's results."""
    from workbench.glossary import tokens
    from workbench.text.normalize import normalized_english, normalize_arabic, normalize_english

    assert tokens.english_key(text) == normalized_english(text)
    assert tokens.english_tokens(text).text == normalize_english(text).text
    assert tokens.arabic_tokens(text).text == " ".join(
        normalize_arabic(text.translate({ord(c): " " for c in "«»\"“”„‟'‘’‹›()[]{}"})).text
        .split())
    for word in text.split():
        for fast, ref in ((tokens._norm_en(word), normalize_english(word)),
                          (tokens._norm_ar(word), normalize_arabic(word))):
            assert (fast.text, list(fast.starts), list(fast.ends)) == \
                (ref.text, list(ref.starts), list(ref.ends))
