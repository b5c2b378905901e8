"""The knowledge schema: every record type Pathways knows about.

This module is the single source of truth for the knowledge files, the ingest job, the API response
models and the templates. Change a field here and every layer sees it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
Prose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2500)]

Band = Literal["2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"]
BAND_ORDER: tuple[str, ...] = ("2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")

Family = Literal[
    "clinical-support",
    "nursing",
    "midwifery",
    "allied-health",
    "healthcare-science",
    "pharmacy",
    "dental",
    "ambulance",
    "medical",
    "psychological",
    "public-health",
    "social-care",
    "primary-care",
    "estates-facilities",
    "hotel-services",
    "admin-clerical",
    "health-records",
    "digital-data",
    "finance",
    "hr",
    "procurement",
    "communications",
    "management",
]
FAMILY_LABELS: dict[str, str] = {
    "clinical-support": "Clinical support",
    "nursing": "Nursing",
    "midwifery": "Midwifery and maternity",
    "allied-health": "Allied health professions",
    "healthcare-science": "Healthcare science",
    "pharmacy": "Pharmacy",
    "dental": "Dental",
    "ambulance": "Ambulance and urgent care",
    "medical": "Doctors and medical associate roles",
    "psychological": "Mental health and psychological professions",
    "public-health": "Public health",
    "social-care": "Social care",
    "primary-care": "GP practices and primary care",
    "estates-facilities": "Estates and facilities",
    "hotel-services": "Hotel services (catering, cleaning, portering, security)",
    "admin-clerical": "Admin and clerical",
    "health-records": "Health records and clinical coding",
    "digital-data": "IT, digital and data",
    "finance": "Finance",
    "hr": "Human resources",
    "procurement": "Procurement and supplies",
    "communications": "Communications",
    "management": "Management",
}

Qualification = Literal["none", "gcse", "level3", "degree", "postgraduate"]
QUALIFICATION_LABELS: dict[str, str] = {
    "none": "No qualifications needed to start",
    "gcse": "GCSEs (or equivalent)",
    "level3": "A levels or another Level 3",
    "degree": "A degree",
    "postgraduate": "A postgraduate qualification",
}

WorkingPattern = Literal[
    "full-time", "part-time", "shifts", "nights", "weekends", "office-hours", "bank", "on-call"
]

Borough = Literal[
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "City of London",
    "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey",
    "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea",
    "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham", "Redbridge",
    "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest", "Wandsworth",
    "Westminster",
]
BOROUGHS: tuple[str, ...] = Borough.__args__  # type: ignore[attr-defined]

# London has five ICS areas; since 1 April 2026 NCL and NWL share one merged ICB (facts.md D1).
Ics = Literal["north-central-london", "north-east-london", "north-west-london",
              "south-east-london", "south-west-london"]
ICS_BOROUGHS: dict[str, tuple[str, ...]] = {
    "north-central-london": ("Barnet", "Camden", "Enfield", "Haringey", "Islington"),
    "north-east-london": ("Barking and Dagenham", "City of London", "Hackney", "Havering", "Newham",
                          "Redbridge", "Tower Hamlets", "Waltham Forest"),
    "north-west-london": ("Brent", "Ealing", "Hammersmith and Fulham", "Harrow", "Hillingdon",
                          "Hounslow", "Kensington and Chelsea", "Westminster"),
    "south-east-london": ("Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"),
    "south-west-london": ("Croydon", "Kingston upon Thames", "Merton", "Richmond upon Thames",
                          "Sutton", "Wandsworth"),
}

PriorityGroup = Literal[
    "everyone", "young-people", "women", "over-50s", "disabled-people", "care-leavers", "refugees",
    "people-with-convictions", "universal-credit", "esol-learners", "carers", "armed-forces",
    "long-term-unemployed", "low-paid",
]
Status = Literal["current", "closed", "unknown"]

RouteType = Literal[
    "apprenticeship", "t-level", "access-to-he", "degree", "postgraduate", "training-programme",
    "pre-employment", "swap", "volunteering", "certificate", "functional-skills", "esol", "bootcamp",
    "return-to-practice", "international", "advice-service", "direct-entry", "bank-work",
    "employment-scheme",
]
ProgrammeType = Literal[
    "ics", "academy", "council-service", "college", "trust-programme", "job-site", "funding",
    "partnership", "charity",
]


class Strict(BaseModel):
    """Unknown keys in a knowledge file are mistakes (a typo loses a field silently otherwise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    title: ShortText
    checked: dt.date = Field(description="The date someone last checked the fact at this URL.")


class BandRange(Strict):
    low: Band
    high: Band

    @model_validator(mode="after")
    def _ordered(self) -> BandRange:
        if BAND_ORDER.index(self.low) > BAND_ORDER.index(self.high):
            raise ValueError(f"band low {self.low} is above band high {self.high}")
        return self

    def bands(self) -> list[str]:
        return list(BAND_ORDER[BAND_ORDER.index(self.low): BAND_ORDER.index(self.high) + 1])

    def label(self) -> str:
        return f"band {self.low}" if self.low == self.high else f"bands {self.low} to {self.high}"


class Record(Strict):
    """Fields every record kind shares."""

    id: RecordId
    title: ShortText
    other_titles: list[ShortText] = Field(default_factory=list)
    summary: Prose = Field(description="What it is, in plain standard English (2-4 sentences).")
    summary_simple: Prose = Field(description="Entry 3 / B1: short sentences, common words.")
    summary_first_steps: Prose = Field(description="Entry 1-2: very short sentences.")
    sources: list[Source] = Field(min_length=1)
    last_reviewed: dt.date

    @field_validator("summary", "summary_simple", "summary_first_steps")
    @classmethod
    def _no_placeholders(cls, value: str) -> str:
        if re.search(r"\b(TODO|TBC|UNVERIFIED|lorem)\b", value, re.I):
            raise ValueError("contains a placeholder word (TODO/TBC/UNVERIFIED)")
        return value


class Role(Record):
    kind: Literal["role"] = "role"
    family: Family
    clinical: bool
    patient_facing: bool
    afc_band: BandRange | None = Field(
        default=None, description="Agenda for Change band range; None when the job is not on AfC.")
    pay_rates: list[RecordId] = Field(
        default_factory=list, description="Ids of non-AfC rates in pay.yaml (e.g. care worker pay).")
    pay_note: ShortText | None = Field(default=None, description="Pay context in words, no £ figures.")
    tasks: list[ShortText] = Field(min_length=3)
    day_in_the_job: Prose | None = None
    entry_requirements: list[ShortText] = Field(min_length=1)
    qualifications_needed: Qualification
    entry_routes: list[RecordId] = Field(default_factory=list, description="Route ids.")
    training_time: ShortText | None = Field(default=None, description="e.g. '3 years full time'.")
    apprenticeship_available: bool = False
    registration: ShortText | None = Field(default=None, description="e.g. NMC, HCPC; None if none.")
    skills: list[ShortText] = Field(min_length=2)
    previous_jobs: list[ShortText] = Field(
        default_factory=list, description="Good for people who have worked as ...")
    progression: list[RecordId] = Field(default_factory=list, description="Role ids you can move to.")
    top_role: bool = Field(False, description="A true top of its ladder, so no progression is expected.")
    entry_from: list[RecordId] = Field(default_factory=list, description="Role ids people come from.")
    working_patterns: list[WorkingPattern] = Field(min_length=1)
    hours: ShortText | None = None


class Route(Record):
    kind: Literal["route"] = "route"
    type: RouteType
    level: int | None = Field(default=None, ge=1, le=8, description="RQF level where it has one.")
    length: ShortText | None = None
    who_for: list[PriorityGroup] = Field(default_factory=lambda: ["everyone"])
    eligibility: list[ShortText] = Field(default_factory=list)
    funding: list[ShortText] = Field(default_factory=list)
    how_to_apply: list[ShortText] = Field(min_length=1)
    leads_to: list[RecordId] = Field(default_factory=list, description="Role ids.")
    status: Status = "current"
    closed_on: dt.date | None = None
    replaced_by: ShortText | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None

    @model_validator(mode="after")
    def _closed_has_date(self) -> Route:
        if self.status == "closed" and (self.closed_on is None or not self.replaced_by):
            raise ValueError("a closed route needs closed_on and replaced_by")
        return self


class Programme(Record):
    kind: Literal["programme"] = "programme"
    type: ProgrammeType
    provider: ShortText
    boroughs: list[Borough] = Field(min_length=1)
    ics: list[Ics] = Field(default_factory=list)
    who_for: list[PriorityGroup] = Field(min_length=1)
    offers: list[ShortText] = Field(min_length=1)
    how_to_join: ShortText
    status: Status
    started: dt.date | None = None
    ended: dt.date | None = None
    leads_to: list[RecordId] = Field(default_factory=list, description="Role ids.")
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class GlossaryTerm(Strict):
    term: ShortText
    also: list[ShortText] = Field(default_factory=list)
    definition: ShortText
    definition_simple: ShortText


class Glossary(Strict):
    terms: list[GlossaryTerm] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    last_reviewed: dt.date


class BandPay(Strict):
    band: Band
    entry: int = Field(gt=0)
    top: int = Field(gt=0)
    middle: int | None = None
    verified: bool = True


class PayTable(Strict):
    year: Annotated[str, StringConstraints(pattern=r"^\d{4}/\d{2}$")]
    valid_from: dt.date
    valid_to: dt.date
    bands: list[BandPay]
    sources: list[Source] = Field(min_length=1)


class HcasZone(Strict):
    zone: Literal["inner", "outer", "fringe"]
    percent: int
    minimum: int | None = Field(default=None, description="£/yr; None while unconfirmed.")
    maximum: int | None = None


class Hcas(Strict):
    zones: list[HcasZone]
    note: ShortText
    inner_boroughs: list[Borough]
    outer_boroughs: list[Borough]
    sources: list[Source] = Field(min_length=1)


class Rate(Strict):
    id: RecordId
    label: ShortText
    amount: float = Field(gt=0)
    unit: Literal["hour", "year"]
    applies_from: dt.date
    note: ShortText | None = None
    sources: list[Source] = Field(min_length=1)


class Pay(Strict):
    current_year: str
    afc: list[PayTable] = Field(min_length=1)
    hcas: Hcas
    rates: list[Rate]
    last_reviewed: dt.date

    def table(self, year: str | None = None) -> PayTable:
        wanted = year or self.current_year
        return next(t for t in self.afc if t.year == wanted)

    def rate(self, rate_id: str) -> Rate | None:
        return next((r for r in self.rates if r.id == rate_id), None)


class PastJob(Strict):
    """A job people in London often had before health or care, for the "I used to work as..." match."""

    id: RecordId
    label: ShortText = Field(description="How the job is shown in the picker, e.g. 'Shop or retail assistant'.")
    also: list[ShortText] = Field(default_factory=list, description="Other ways people say it.")
    skills: list[ShortText] = Field(min_length=3, description="Skills the job builds that carry over.")
    knows: list[ShortText] = Field(default_factory=list,
                                   description="Things the job teaches (e.g. food hygiene, first aid).")
    first_choices: list[RecordId] = Field(
        default_factory=list, max_length=6,
        description="Role ids a careers adviser would suggest first, best first; each must name this job "
                    "in its previous_jobs.")


class Interest(Strict):
    """Something a person might enjoy, mapped to the role families that offer it."""

    id: RecordId
    label: ShortText = Field(description="Plain words, e.g. 'Science and labs'.")
    families: list[Family] = Field(min_length=1)
    roles: list[RecordId] = Field(default_factory=list,
                                  description="Roles outside those families that also fit this interest.")


class Explore(Strict):
    """Data behind the role explorer's match and quiz (knowledge/explore.yaml)."""

    past_jobs: list[PastJob] = Field(min_length=1)
    interests: list[Interest] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    last_reviewed: dt.date


LanguageCode = Literal["pl", "ro", "es", "pt", "bn", "ur", "ar", "so", "tr", "fr"]
# What a question in another language asks, found from words in its language pack.
AskKind = Literal["pay", "entry", "no-qualifications", "past-job", "local-help", "apprenticeship", "what-is"]


class LanguagePack(Strict):
    """Words for one of the languages learners ask in (knowledge/languages/<code>.yaml): the names
    people use there for our jobs and routes, so a question in that language finds the record."""

    language: LanguageCode
    name: ShortText = Field(description="The language's name in English, e.g. 'Polish'.")
    native_name: ShortText = Field(description="The language's name in itself, e.g. 'polski'.")
    answer_note: ShortText = Field(description="One short line, in the language: the answer is in simple English.")
    names: dict[RecordId, list[ShortText]] = Field(
        min_length=1, description="Record id -> what people call it in this language.")
    past_jobs: dict[RecordId, list[ShortText]] = Field(
        default_factory=dict, description="Past job id (knowledge/explore.yaml) -> what people call it.")
    asks: dict[AskKind, list[ShortText]] = Field(
        default_factory=dict, description="Words that show what is asked, e.g. pay: [ile zarabia, pensja].")
    places: dict[Borough, list[ShortText]] = Field(
        default_factory=dict, description="London borough -> how it is written in this language's script.")
    last_reviewed: dt.date


AnyRecord = Role | Route | Programme
KIND_MODELS: dict[str, type[Role] | type[Route] | type[Programme]] = {
    "role": Role, "route": Route, "programme": Programme,
}
KIND_DIRS: dict[str, str] = {"roles": "role", "routes": "route", "programmes": "programme"}
KIND_URL: dict[str, str] = {"role": "/roles", "route": "/routes", "programme": "/programmes"}


def record_url(kind: str, record_id: str) -> str:
    return f"{KIND_URL[kind]}/{record_id}"
