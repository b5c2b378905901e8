"""Redaction of personal details before anything is stored, on messages like the ones people send."""

from __future__ import annotations

import pytest

from service.adviser.redact import redact

REDACTED = [
    # emails
    ("My email is sara.jones@gmail.com, can you help?", "My email is [email], can you help?"),
    ("email me at TOM_B+jobs@outlook.co.uk thanks", "email me at [email] thanks"),
    ("contact me: priya@nhs.net or 07700 900 789", "contact me: [email] or [phone]"),
    # UK phone numbers in the shapes people type them
    ("my number is 07700 900123", "my number is [phone]"),
    ("call me on 07700900123 after 5pm", "call me on [phone] after 5pm"),
    ("+44 7700 900123 is my mobile", "[phone] is my mobile"),
    ("+447700900123", "[phone]"),
    ("ring 020 7946 0000 or 0207 946 0001", "ring [phone] or [phone]"),
    ("Office (020) 7946 0000, ask for Jo", "Office [phone], ask for Jo"),
    ("+44 (0)20 7946 0000", "[phone]"),
    ("the free number is 0800 123 4567", "the free number is [phone]"),
    ("or 0800 123 456 in the day", "or [phone] in the day"),
    ("07700-900-123 whatsapp", "[phone] whatsapp"),
    ("text 07700.900.123 pls", "text [phone] pls"),
    ("44 7700 900123 whatsapp only", "[phone] whatsapp only"),
    ("from abroad dial 0044 20 7946 0000", "from abroad dial [phone]"),
    ("my mobile is 7700 900123", "my mobile is [phone]"),
    ("call 999 or 07700 900123", "call 999 or [phone]"),
    ("I'm Band 3 HCA in Hackney, tel 020-7946-0000", "I'm Band 3 HCA in Hackney, tel [phone]"),
    ("i am 55 my number 07700900123 pls call", "i am 55 my number [phone] pls call"),
    # a London number without 020, and numbers from home without their country code, after a phone word
    ("call me on 7946 0000 after six", "call me on [phone] after six"),
    ("my number is 79460000", "my number is [phone]"),
    ("Telefon 721 234 567, dziękuję", "Telefon [phone], dziękuję"),
    ("whatsapp 0721-234-567", "whatsapp [phone]"),
    # other languages, with local and foreign numbers
    ("Dzień dobry, szukam pracy jako opiekunka. Mój numer: 07700 900 123",
     "Dzień dobry, szukam pracy jako opiekunka. Mój numer: [phone]"),
    ("Nazywam się Łukasz Nowak, mam 50 lat. Mój telefon to +44 7700 900123",
     "Nazywam się [name], mam 50 lat. Mój telefon to [phone]"),
    ("Bună ziua, mă numesc Ana Popescu și caut un loc de muncă. Telefon 0770 090 0123",
     "Bună ziua, mă numesc [name] și caut un loc de muncă. Telefon [phone]"),
    ("Numele meu este Ion. Am 30 de ani, telefon +40 721 234 567",
     "Numele meu este [name]. Am 30 de ani, telefon [phone]"),
    ("Me llamo Lucía y quiero trabajar en un hospital", "Me llamo [name] y quiero trabajar en un hospital"),
    # National Insurance numbers
    ("my NI number is AB 12 34 56 C", "my NI number is [NI number]"),
    ("ni no ab123456c", "ni no [NI number]"),
    ("National Insurance: QQ-12-34-56-A", "National Insurance: [NI number]"),
    ("my NI is ab 123456 c is that ok", "my NI is [NI number] is that ok"),
    # NHS numbers
    ("my nhs number is 943 476 5919", "my nhs number is [NHS number]"),
    ("NHS no. 9434765919", "NHS no. [NHS number]"),
    ("My nhs no is 943-476-5919", "My nhs no is [NHS number]"),
    # postcodes
    ("I live in E8 1DY, what jobs are near?", "I live in [postcode], what jobs are near?"),
    ("my postcode is SW1A 1AA", "my postcode is [postcode]"),
    ("ec1a1bb is where i live", "[postcode] is where i live"),
    ("postcode e8", "postcode [postcode]"),
    ("My postcode is N16, is there work nearby?", "My postcode is [postcode], is there work nearby?"),
    ("near n1 9gu?", "near [postcode]?"),
    # dates of birth
    ("I was born on 3 March 1985", "I was born on [date of birth]"),
    ("DOB 12/03/1985 can i apply", "DOB [date of birth] can i apply"),
    ("12/03/1985 is my birthday", "[date of birth] is my birthday"),
    ("date of birth: 3rd of March 1985", "date of birth: [date of birth]"),
    ("born 14.07.79 in Lagos", "born [date of birth] in Lagos"),
    ("my birthday is June 5th, 1990", "my birthday is [date of birth]"),
    # names after the words people use to give them
    ("My name is Sarah Jones and I want to be a nurse", "My name is [name] and I want to be a nurse"),
    ("my name is maria i am 45", "my name is [name] i am 45"),
    ("my name is maria lopez i want care job", "my name is [name] i want care job"),
    ("Hi, I'm called Tomasz. I worked in a warehouse", "Hi, I'm called [name]. I worked in a warehouse"),
    ("I am called Abdi Hassan Mohamed", "I am called [name]"),
    ("name's Dave, looking for porter jobs", "name's [name], looking for porter jobs"),
    ("Hello this is Grace Okafor speaking, I need a job", "Hello this is [name] speaking, I need a job"),
    ("MY NAME IS JOHN SMITH AND I NEED WORK", "MY NAME IS [name] AND I NEED WORK"),
    ("im called jo smith and want care work", "im called [name] and want care work"),
    ("Name: Priya Patel", "Name: [name]"),
    ("My name’s Siobhán O’Connor", "My name’s [name]"),
    # everything at once
    (("Hi my name is Anne-Marie O'Brien, email annemarie.obrien@yahoo.com, phone 07700 900 456, "
      "postcode E8 1DY, NI AB123456C. How do I become a HCA?"),
     ("Hi my name is [name], email [email], phone [phone], postcode [postcode], NI [NI number]. "
      "How do I become a HCA?")),
]

UNCHANGED = [
    "How much does a band 5 nurse earn in Hackney?",
    "I am 55 and worked in a shop for 10 years",
    "Is the starting pay £24,465 a year or more?",
    "What does NHS 111 do and when should I call 999?",
    "I'm a nurse from Poland, can I work in Tower Hamlets?",
    "I am from Romania and I have 18 months care experience",
    "Does the E8 bus go to Homerton Hospital?",
    "I worked from 2015 to 2020 as a cleaner, then 2021 2022 in a care home",
    "Can I start on 01/09/2025?",
    "My name is not important, I just want to know about apprenticeships",
    "Band 8a pay is how much? And band 2 to band 4 takes how long?",
    "I can work 37.5 hours a week, 9am to 5pm",
    "Level 3 diploma in health and social care, is it enough for a HCA job?",
    "I am called for an interview next week at Barts Health",
    "I'm 19, done my GCSEs in 2022, want to be a paramedic",
    "Overtime is paid at 1.5 times, about £18.50 an hour",
    "Jestem pielęgniarką z Polski, ile zarabia się w band 5?",
    "How do I get to St Thomas' Hospital from SE1?",
    "I have 2 kids aged 4 and 7, can I work nights?",
    "salary 24465 to 30000 in Newham and Waltham Forest",
    "Can you tell me about the 24/7 rota and the 12 hour shifts?",
    "I was born in 1970 in Nigeria, is it too late to train?",
    "Am 45 de ani si am lucrat 3 ani in curatenie",
    "Top of band 6 is £47,810 and band 7 starts at £47,810",
    "Can I call 111 or ring 999 for advice about work?",
    "What is the phone number for NHS Jobs, is it on 0300?",
]


@pytest.mark.parametrize("message, expected", REDACTED)
def test_personal_details_are_replaced(message: str, expected: str):
    assert redact(message) == expected


@pytest.mark.parametrize("message", UNCHANGED)
def test_questions_without_personal_details_are_kept_as_typed(message: str):
    assert redact(message) == message


def test_enough_realistic_cases():
    assert len(REDACTED) >= 40 and len(UNCHANGED) >= 15


def test_redacting_twice_changes_nothing_more():
    for message, expected in REDACTED:
        assert redact(expected) == expected, message
