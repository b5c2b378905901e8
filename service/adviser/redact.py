"""Removes personal details from a message before it is stored for the adviser view.

Each kind of detail has its own named pattern and a placeholder saying what was there ("[phone]"), so
an adviser can still read the question. Regular expressions only: fast, predictable and testable.
When unsure inside a number or a name it removes too much; it never touches job words, bands, money,
ages, years, durations or boroughs, and short numbers such as 999 and 111 are always kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

# --- dates of birth -------------------------------------------------------------------------------
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
WORDY_DATE = rf"(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH}(?:,?\s+\d{{4}})?|{MONTH}\s+{DAY}(?:,?\s+\d{{4}})?"
# Any date after a birth cue ("born on 3 March 1985", "DOB: 3/3/85"); the cue itself is kept.
BIRTH_DATE = re.compile(
    rf"(?P<cue>\b(?:born|d\.?o\.?b\b\.?|date\s+of\s+birth|birthday)[\s:,-]*(?:is\s+|was\s+)?(?:on\s+)?)"
    rf"(?P<date>{NUMERIC_DATE}|{WORDY_DATE})(?![\w/])", re.IGNORECASE)
# A bare numeric date is only a date of birth when its year is long enough ago; "start on
# 01/09/2025" is a start date and stays.
OLD_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
BIRTH_YEARS_AGO = 14

# --- numbers --------------------------------------------------------------------------------------
# Any number written with a country code ("+40 721 234 567", "0048 600 123 456").
INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])(?:\+|\b00)\s?[1-9]\d{0,2}(?:[\s.()-]{0,2}\d){6,12}(?!\d)")
NI_NUMBER = re.compile(r"\b[A-Z]{2}(?:[\s-]?\d{2}){3}[\s-]?[A-D]\b", re.IGNORECASE)
# UK numbers: 0 then 9–10 digits, or 44 (+44, 0044, 44, with an optional "(0)") then 9–10 digits,
# separated by spaces, dots, dashes or brackets. Not after a letter, a digit or a currency sign.
PHONE = re.compile(r"""
    (?<![\w£$€+])
    (?: (?:\+|00)\s?44[\s.-]?(?:\(0\)[\s.-]?)?   # +44 7700 ..., 0044 ..., +44 (0)20 ...
      | 44[\s.-]?(?:\(0\)[\s.-]?)?                # 44 7700 ... typed without the plus
      | (?:\(\s?)?0                               # 07700 ..., (020) ..., 0800 ...
    )
    [1-9](?:[\s.()-]{0,2}\d){8,9}
    (?!\d)
""", re.VERBOSE)
# Ten digits as NHS numbers are written (943 476 5919) or run together.
TEN_DIGITS = re.compile(r"(?<![\w£$€+.,])[1-9]\d{2}(?P<sep>[\s-]?)\d{3}(?P=sep)\d{4}(?![\d,]|\.\d)")
MOBILE_WITHOUT_ZERO = re.compile(r"(?<![\w£$€+.,])7\d{3}[\s-]?\d{6}(?!\d)")
# Any other run of 7 to 12 digits right after a word for a phone: a London number without its 020
# ("call me on 7946 0000") or a number from home typed without its country code ("telefon 721 234 567").
PHONE_AFTER_CUE = re.compile(
    r"(?P<cue>\b(?:call|ring|phone|tel|telephone|mobile|mob|number|no|num|text|whatsapp|contact|"
    r"telefon|numer|numero|número|numéro|téléphone)\.?(?:\s+(?:me|us))?(?:\s+(?:on|at|is|to|:))?"
    r"[\s:]*)(?P<digits>\d(?:[\s.-]?\d){6,11})(?!\d|[,.]\d)", re.IGNORECASE)

# --- postcodes ------------------------------------------------------------------------------------
OUTWARD = r"[A-Z]{1,2}\d[A-Z\d]?"
INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"  # the last two letters never use C, I, K, M, O or V
POSTCODE = re.compile(rf"\b{OUTWARD}[ \t]*{INWARD}\b", re.IGNORECASE)
# "E8" alone is only a postcode when the person says so; "the E8 bus" stays.
POSTCODE_DISTRICT = re.compile(rf"(?P<cue>\bpost\s?code\b[\s:,-]*(?:is\s+)?){OUTWARD}\b", re.IGNORECASE)

# --- names ----------------------------------------------------------------------------------------
# What people say just before their name, in English and in a few languages learners use.
NAME_CUE = re.compile(r"""\b(?:
      my\s+name\s+is | (?:my\s+)?name['’]s | name\s*: | i['’]?m\s+called | i\s+am\s+called
    | nazywam\s+się | mam\s+na\s+imię | m[ăa]\s+numesc | numele\s+meu\s+(?:este|e)
    | me\s+llamo | mi\s+nombre\s+es | je\s+m['’]appelle | mi\s+chiamo | meu\s+nome\s+é | chamo-me
)[ \t]*""", re.IGNORECASE | re.VERBOSE)
SPEAKING = re.compile(r"(?P<cue>\bthis\s+is\s+)(?P<name>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})"
                      r"(?=\s+speaking\b)", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_][\w'’-]*")
GAP = re.compile(r"[ \t]+")
# Words that end a name, so "my name is maria and I am 45" keeps "and I am 45".
NOT_A_NAME = frozenset({
    "a", "an", "the", "and", "or", "but", "so", "not", "just", "only", "from", "in", "at", "on", "for",
    "to", "with", "by", "of", "as", "about", "back", "up", "out", "i", "im", "i'm", "i’m", "am", "is",
    "are", "was", "be", "been", "me", "my", "we", "you", "he", "she", "they", "it", "this", "that", "here",
    "there", "looking", "look", "want", "wanted", "need", "needed", "would", "like", "live", "living",
    "work", "working", "worked", "have", "has", "had", "currently", "still", "new", "please", "hi",
    "hello", "thanks", "thank", "also", "too", "very", "really", "sorry"
})


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


def _ten_digits(match: re.Match[str]) -> str:
    """An NHS number, unless it is a mobile number typed without its 0 (starts with 7, no check digit)."""
    digits = re.sub(r"\D", "", match.group())
    if digits.startswith("7") and not _nhs_check_digit_ok(digits):
        return "[phone]"
    return "[NHS number]"


def _old_date(match: re.Match[str]) -> str:
    day, month, year = (int(g) for g in match.groups())
    if len(match.group(3)) == 2:
        this = date.today().year
        year += 2000 if year <= this % 100 else 1900
    if not (1 <= day <= 31 and 1 <= month <= 31 and min(day, month) <= 12):
        return match.group()
    return "[date of birth]" if year <= date.today().year - BIRTH_YEARS_AGO else match.group()


def _name_end(text: str, start: int) -> int:
    """Where the name starting at `start` ends: up to three capitalised words, or up to two words when
    the person types in lower case; `start` itself when no name follows."""
    end, pos, words, capitalised = start, start, 0, False
    while words < 3:
        word = WORD.match(text, pos)
        if word is None or word.group().lower() in NOT_A_NAME:
            break
        upper = word.group()[0].isupper()
        if words == 0:
            capitalised = upper
        elif (capitalised and not upper) or (not capitalised and words == 2):
            break
        end, words = word.end(), words + 1
        gap = GAP.match(text, end)
        if gap is None:
            break
        pos = gap.end()
    return end


def _names(text: str) -> str:
    out, pos = [], 0
    for cue in NAME_CUE.finditer(text):
        if cue.start() < pos:
            continue
        end = _name_end(text, cue.end())
        if end > cue.end():
            out += [text[pos:cue.end()], "[name]"]
            pos = end
    out.append(text[pos:])
    return SPEAKING.sub(r"\g<cue>[name]", "".join(out))


# In order: emails and dates first, because their digits would otherwise look like phone numbers.
STEPS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (EMAIL, "[email]"),
    (BIRTH_DATE, r"\g<cue>[date of birth]"),
    (OLD_DATE, _old_date),
    (NI_NUMBER, "[NI number]"),
    (INTERNATIONAL_PHONE, "[phone]"),
    (PHONE, "[phone]"),
    (TEN_DIGITS, _ten_digits),
    (MOBILE_WITHOUT_ZERO, "[phone]"),
    (PHONE_AFTER_CUE, r"\g<cue>[phone]"),
    (POSTCODE, "[postcode]"),
    (POSTCODE_DISTRICT, r"\g<cue>[postcode]"),
]


def redact(text: str) -> str:
    """The message with emails, phone, NI and NHS numbers, postcodes, dates of birth and given names
    replaced by placeholders such as "[phone]"."""
    for pattern, replacement in STEPS:
        text = pattern.sub(replacement, text)
    return _names(text)
