"""Understand a question without an LLM: what is asked, about which borough, and whether it is ours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from service.schema import BOROUGHS

Intent = Literal["emergency", "out-of-scope", "greeting", "define", "pay", "entry", "local",
                 "compare", "progression", "suggest", "about", "other-language"]

# Job names are not emergencies: "diagnostic radiographer", "stroke unit nurse" are careers questions.
_EMERGENCY = re.compile(
    r"chest pain|can'?t breathe|cannot breathe|not breathing|struggling to breathe|overdose|"
    r"suicid|kill (my|him|her)self|end my life|want to die|self[- ]?harm|hurt myself|"
    r"bleeding (a lot|heavily|badly)|won'?t stop bleeding|unconscious|collapsed|heart attack|"
    r"\bstroke\b(?! (patients?|units?|wards?|nurs\w*|rehab\w*|teams?|services?|survivors?|specialists?))|"
    r"seizure|having a fit|choking|allergic reaction|anaphyla|"
    r"\b(i|my \w+) (have|has|got) (a )?(fever|rash|lump|pain|headache|temperature|infection|cough)|"
    r"\bi feel (ill|sick|unwell|dizzy)|symptom|\bdiagnos(e|ed|is)\b|what (medicine|tablets?|pills?) should|"
    r"should i (take|see a doctor)|medical advice|ambulance now|call an ambulance", re.I)
_GREETING = re.compile(r"^\s*(hi|hello|hey|good (morning|afternoon|evening)|salaam|hiya|thanks?|"
                       r"thank you)[\s!.,]*$", re.I)
_PAY = re.compile(r"\b(pay|paid|salary|salaries|earn|earning|wage|wages|money|how much|income|"
                  r"per hour|an hour|a year|per year|hcas|weighting)\b|\bband \d|\b(what|which) band\b|£",
                  re.I)
_ENTRY = re.compile(r"\b(become|becoming|get into|get in|qualification|qualifications|qualified|"
                    r"requirements?|need to|do i need|entry|apply|applying|train|training|course|"
                    r"degree|apprentice\w*|study|start|gcses?|a levels?|how can i be|how to be|"
                    r"without experience|no experience)\b", re.I)
# "Support" and "council" alone are often the job ("support worker", "work at the council"), so
# only support with finding work, or help from a council, counts.
_LOCAL = re.compile(r"\b(near me|nearby|local|in my area|my borough|where can i get help|get help|"
                    r"help (to|me) find|help finding|help getting|help (me )?(in|into|back (in)?to) work|"
                    r"job help|jobs help|(employment|job|jobs|work|any|get|getting|free|local) support|"
                    r"support (to|into|with|finding|getting) (a |back )?(job|work)|"
                    r"programme|program|academy|free course|free courses|job centre|"
                    r"(jobs?|employment|careers) (service|club|hub)s?|jobcentre|"
                    r"council (help|service|programme|scheme)|help me find|who can (help|advise)|"
                    r"advise me)\b", re.I)
_COMPARE = re.compile(r"\b(compare|comparison|versus|vs\.?|difference between|better paid|"
                      r"which is better)\b", re.I)
_PROGRESS = re.compile(r"\b(progress\w*|career path|next steps?|step up|move up|moving up|move on|"
                       r"promot\w*|after that|after being|career ladder|where can it lead|what next|"
                       r"do next|go further|steps from|what comes (next|after)|next (job|role|level)|"
                       r"more senior|higher band)\b", re.I)
_SUGGEST = re.compile(r"\b(what can i do|what jobs? can i|which jobs?|what jobs?|jobs? for me|"
                      r"suit me|i like|i enjoy|i am good at|i'?m good at|no qualifications|"
                      r"without qualifications|career change|change career|options)\b", re.I)
# Talk of a past job: suggestions should build on it even when the old job shares a name with ours.
_PAST = re.compile(r"\b(worked (as|in|at|for)|i was an? |i used to|used to (be|work)|i'?ve been an? |"
                   r"years? (as|in) an? |my experience|experience (as|in) an? |background in|"
                   r"former|ex-|retired)", re.I)
_TARGET = re.compile(r"\b(can i (be|become|do|work as)|could i (be|become)|become|becoming|"
                     r"get (a|an|into)|how (do|can) i|want to be)\b", re.I)
# The job someone wants, after the job they have: "I'm a podiatry assistant, can I become a podiatrist?"
TARGET_AFTER = re.compile(r"\b(become|becoming|train(ing)? (as|to be|to become)|qualify (as|to be)|"
                          r"retrain as|move (up |on )?(in)?to|progress (in)?to|step up to|want to be|"
                          r"top up to)\b", re.I)
# Asking which NHS area (integrated care system) a place is in.
NHS_AREA = re.compile(r"\b(nhs area|which area|integrated care (system|board)|ics|icb)\b", re.I)
# Words that put the job named straight after them aside: it is not what is asked about.
ASIDE = re.compile(r"(\b(not|isn'?t|aren'?t|instead of|rather than)|"
                   r"(\band|\bor|,) (do|does) (i|you|they) (need|have) to be)( the| a| an)? $", re.I)
# ...and these put it aside as the subject but keep it as context: "a job helping the physio".
HELPING = re.compile(r"\b(help|helps|helping|assist|assists|assisting)( the| a| an)? $", re.I)
# The job someone has now, named straight after these words; it is where they start, not the subject.
CURRENT_JOB = re.compile(r"\b(i am|i'?m|im|i work as|i work in|i'?ve been|i was|i worked as)( an?)? ", re.I)
# "From a porter to a paramedic": where someone starts, and where they want to go.
FROM_JOB = re.compile(r"\bfrom (an? |the )?", re.I)
TO_JOB = re.compile(r"\b(to|into) (an? |the )?", re.I)
# What someone wants to move into, in their own words, after the job they have: "I'm a midwife, can
# I train to do ultrasound scans?", "finance assistant, how do I move up to accountant".
GOAL_WORDS = re.compile(r"\b(become|becoming|be|do|doing|work (as|in|on|with)|move (up |on )?(in)?to|"
                        r"progress (in)?to|step up to|train(ing)? (as|in|to (be|become|do))|"
                        r"qualify (as|in)|get into|go into|specialise in|manage)\s+(an? |the |some )?"
                        r"(?P<what>[^.?!,;]+)", re.I)
# Words in such a phrase that name no job: "can I do more", "become more senior", "do it while working".
NO_GOAL = frozenset("""next more senior higher something anything else better further step steps level
band role roles apprenticeship apprentice course courses degree training trained qualified registered
hospital one day eventually later still while paid earning earn study studying same time first
instead move moving progress promoted promotion""".split())
# Learning while paid in the job: an apprenticeship answers it before a university route does.
WANTS_APPRENTICESHIP = re.compile(r"\b(a+p+rent[ia]\w*|earn (while|and) (you )?learn\w*|paid training|"
                                  r"(get |be )?paid (to|while) (train|learn|study)\w*|"
                                  r"while (working|i work|in work)|through my job|on the job|"
                                  r"(study|learn|train|earn|work)\w*[^.?!]{0,30}\bat the same time|"
                                  r"(still|keep) (get(ting)? paid|earning|working|"
                                  r"my (job|wage|salary|income))|"
                                  r"without (giving up|losing|leaving|quitting) (my )?"
                                  r"(job|wage|salary|income|pay)|"
                                  r"without (going to |paying for |a )?"
                                  r"(uni|university|student (loan|debt)|debt))\b", re.I)
_DEFINE = re.compile(r"^\s*(what('?s| is| are| does)( an?| the)?|meaning of|define|explain)\b|"
                     r"\b(mean|means|stand for|stands for)\b", re.I)
DEFINE = _DEFINE
# Words that place a question inside health and care careers even when no record name matches.
_DOMAIN = re.compile(
    r"\b(job|jobs|work|career|careers|nhs|care|carer|caring|hospital|health|clinic|nurs\w*|doctor|"
    r"patient|apprentice\w*|course|training|qualification\w*|volunteer\w*|band|salary|pay|"
    r"employ\w*|vacanc\w*|interview|cv|application|ward|gp|surgery|therapy|therapist|social|"
    r"ambulance|pharmac\w*|dental|dentist|lab|science|esol|english|degree|university|college|"
    r"shift|role|roles|agenda for change|dbs|registration|register|ics|icb|integrated care|trust|"
    r"borough|student|loan|bursary|grant|placement|experience)\b", re.I)

_BOROUGH_ALIASES = {b.lower(): b for b in BOROUGHS}
_BOROUGH_ALIASES.update({
    "hammersmith": "Hammersmith and Fulham", "fulham": "Hammersmith and Fulham",
    "kensington": "Kensington and Chelsea", "chelsea": "Kensington and Chelsea",
    "barking": "Barking and Dagenham", "dagenham": "Barking and Dagenham",
    "kingston": "Kingston upon Thames", "richmond": "Richmond upon Thames",
    "the city": "City of London", "tower hamlet": "Tower Hamlets", "waltham": "Waltham Forest",
})
# Places people name instead of their borough.
_PLACES = {
    "Barking and Dagenham": "becontree",
    "Barnet": "finchley, hendon, edgware, burnt oak, chipping barnet",
    "Bexley": "bexleyheath, sidcup, erith, welling",
    "Brent": "wembley, willesden, kilburn, harlesden, neasden",
    "Bromley": "orpington, beckenham, penge",
    "Camden": "kentish town, hampstead, holborn, camden town",
    "Croydon": "thornton heath, norbury, purley",
    "Ealing": "southall, acton, hanwell, greenford",
    "Enfield": "edmonton, southgate, ponders end",
    "Greenwich": "woolwich, eltham, charlton, thamesmead",
    "Hackney": "dalston, shoreditch, stoke newington, homerton, clapton",
    "Hammersmith and Fulham": "shepherds bush, white city",
    "Haringey": "tottenham, wood green, hornsey",
    "Harrow": "wealdstone, stanmore, pinner",
    "Havering": "romford, hornchurch, upminster, rainham",
    "Hillingdon": "uxbridge, hayes, ruislip, heathrow",
    "Hounslow": "feltham, chiswick, brentford, isleworth",
    "Islington": "holloway, archway, highbury, angel",
    "Kensington and Chelsea": "notting hill, earls court",
    "Kingston upon Thames": "surbiton, new malden",
    "Lambeth": "brixton, streatham, clapham, vauxhall, stockwell",
    "Lewisham": "catford, deptford, sydenham",
    "Merton": "wimbledon, mitcham, morden",
    "Newham": "stratford, east ham, west ham, canning town, beckton, forest gate, plaistow",
    "Redbridge": "ilford, woodford",
    "Richmond upon Thames": "twickenham, teddington, barnes",
    "Southwark": "peckham, bermondsey, camberwell, walworth, elephant and castle",
    "Sutton": "cheam, carshalton, wallington",
    "Tower Hamlets": "whitechapel, bow, poplar, stepney, canary wharf, bethnal green",
    "Waltham Forest": "walthamstow, leyton, leytonstone, chingford",
    "Wandsworth": "tooting, battersea, putney, balham",
    "Westminster": "paddington, soho, pimlico, marylebone",
}
_BOROUGH_ALIASES.update({place: borough for borough, places in _PLACES.items()
                         for place in places.split(", ")})
_BOROUGH_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _BOROUGH_ALIASES), key=len,
                                                    reverse=True)) + r")\b", re.I)
_BAND_RE = re.compile(r"\bband\s*(\d[abcd]?)\b", re.I)


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    borough: str | None
    band: str | None
    in_domain: bool
    asks_help: bool = False  # asks for help or a programme, not only names a place


def find_borough(text: str) -> str | None:
    match = _BOROUGH_RE.search(text)
    return _BOROUGH_ALIASES[match.group(1).lower()] if match else None


def understand(message: str, names_matched: bool, without_names: str | None = None) -> Understanding:
    """Classify one message. ``names_matched`` says whether it names a known job, route or term;
    ``without_names`` is the message with those names cut out, which is what the question words are
    read from (emergencies, boroughs and bands are read from the whole message)."""
    borough = find_borough(message)
    band_match = _BAND_RE.search(message)
    band = band_match.group(1).lower() if band_match else None
    emergency = _EMERGENCY.search(message) is not None
    message = message if without_names is None else without_names
    in_domain = (names_matched or band is not None or bool(_DOMAIN.search(message))
                 or bool(_SUGGEST.search(message)) or bool(_PAST.search(message))
                 or bool(_LOCAL.search(message))
                 or (borough is not None and re.search(r"\b(help|advice|find)\b", message, re.I) is not None))
    intent: Intent
    if emergency:
        intent = "emergency"
    elif _GREETING.match(message):
        intent = "greeting"
    elif not in_domain:
        intent = "out-of-scope"
    elif _COMPARE.search(message):
        intent = "compare"
    elif _PROGRESS.search(message):
        intent = "progression"
    elif _PAY.search(WANTS_APPRENTICESHIP.sub(" ", message)):  # "paid training" asks for a route
        intent = "pay"
    elif _LOCAL.search(message):
        intent = "local"
    elif names_matched and _TARGET.search(message):
        intent = "entry"  # "I worked in a shop - can I be a HCA?" is about becoming the HCA
    elif _PAST.search(message) or (_SUGGEST.search(message) and not names_matched):
        intent = "suggest"
    elif _ENTRY.search(message):
        intent = "entry"
    elif borough or _LOCAL.search(message):
        intent = "local"
    elif _DEFINE.search(message) and not names_matched:
        intent = "define"
    else:
        intent = "about"
    return Understanding(intent, borough, band, in_domain, _LOCAL.search(message) is not None)


def is_follow_up(message: str) -> bool:
    """Short questions that lean on what came before: "how much does it pay?", "and in Hackney?"."""
    words = message.split()
    return len(words) <= 9 and bool(re.search(
        r"\b(it|that|this|they|them|there|the job|the role|one|same)\b|^(and|what about|how about)\b",
        message, re.I))


# Who someone is (gender, age, family) must not change which jobs we suggest: strip such statements
# before retrieval. Eligibility that depends on age (a programme for 16-24s) is shown in the record.
_ABOUT_ME = re.compile(
    r"\b(i am|i'?m|as)\s+(a|an)?\s*(\d{1,2}[- ]?(years?|yrs?)?[- ]?(old)?|woman|man|female|male|"
    r"girl|boy|lady|guy|mum|mother|dad|father|single mum|single parent|muslim|christian|"
    r"older person|young person|grandmother|grandfather)\b[,.]?", re.I)
_AGED = re.compile(r"\b(aged|age) \d{1,2}\b[,.]?", re.I)


def neutralise(message: str) -> str:
    """The question without statements about the asker's gender, age or family."""
    cleaned = _AGED.sub(" ", _ABOUT_ME.sub(" ", message))
    return " ".join(cleaned.split()) or message
