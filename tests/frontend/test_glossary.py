"""Each catalogue keeps to docs/glossary.md: one term per concept, none of its rejected synonyms."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GLOSSARY = BASE_DIR / "docs" / "glossary.md"
LOCALE_DIR = BASE_DIR / "frontend" / "locale"
LANGUAGES = ["ko", "zh_Hans", "ja", "vi", "id"]
# Scripts without spaces between words: a rejected term is found anywhere in the text.
# The others match whole words only, so that "stan" is not found in "standar".
NO_WORD_BOUNDARIES = {"ko", "zh_Hans", "ja"}
KEY_CONCEPTS = ["buyer", "exhibitor", "booth"]
# Text that is never translated: placeholders, file and field names, HTML tags.
UNTRANSLATED = re.compile(r"%\(\w+\)[sdif]|\{\w*\}|\b\w+\.csv\b|\b\w+_id\b|<[^>]+>")


def read_glossary():
    """{language: {english: (chosen terms, rejected terms)}} from the table of docs/glossary.md."""
    rows = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[:2] == ["English", "Definition"], header
    glossary = {language: {} for language in header[2:]}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        english = cells[0]
        for language, cell in zip(header[2:], cells[2:], strict=True):
            chosen, _sep, rejected = cell.partition("; not:")
            glossary[language][english] = (
                [term.strip() for term in chosen.split(" / ") if term.strip()],
                [term.strip() for term in rejected.split(",") if term.strip()],
            )
    return glossary


def read_catalogue(language):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", "rb") as f:
        return read_po(f)


def texts(value):
    return list(value) if isinstance(value, tuple) else [value]


def english_pattern(term):
    return re.compile(rf"\b{re.escape(term)}(?:s|es|ed|ing)?\b", re.IGNORECASE)


def rejected_pattern(term, language):
    if language in NO_WORD_BOUNDARIES:
        return re.compile(re.escape(term), re.IGNORECASE)
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def test_the_glossary_names_a_term_and_rejected_synonyms_for_the_key_concepts():
    glossary = read_glossary()
    assert sorted(glossary) == sorted(LANGUAGES)
    for language in LANGUAGES:
        for concept in KEY_CONCEPTS:
            chosen, rejected = glossary[language][concept]
            assert chosen, (language, concept)
            assert rejected, (language, concept)
            assert not set(chosen) & set(rejected), (language, concept)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_the_glossary_terms(language):
    terms = read_glossary()[language]
    # Every chosen term of the language is taken out of a translation before the rejected
    # ones are looked for: 参展商 contains 展商, 박람회의 contains 회의.
    chosen_terms = sorted({term for chosen, _ in terms.values() for term in chosen}, key=len, reverse=True)
    chosen = re.compile("|".join(re.escape(term) for term in chosen_terms), re.IGNORECASE)
    checks = [
        (english, english_pattern(english), [(term, rejected_pattern(term, language)) for term in rejected])
        for english, (_chosen, rejected) in terms.items()
        if rejected
    ]
    problems = []
    for message in read_catalogue(language):
        if not message.id:
            continue
        source = UNTRANSLATED.sub(" ", " ".join(texts(message.id)))
        for translation in texts(message.string):
            assert translation, f"{language}: {message.id!r} is not translated"
            text = chosen.sub(" ", UNTRANSLATED.sub(" ", translation))
            for english, pattern, rejected in checks:
                if not pattern.search(source):
                    continue
                for term, rejected_term in rejected:
                    if rejected_term.search(text):
                        problems.append(f"{english}: {term!r} in {translation!r} (msgid {message.id!r})")
    assert not problems, f"{language} strays from docs/glossary.md:\n" + "\n".join(problems)
