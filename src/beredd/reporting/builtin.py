"""Built-in template definitions (the JSON format also used for import and export).

Sources: MSB's lägesbild headings and the county boards' påverkansgrad, the COVID-19 municipal templates'
contents (PPE per article, days of stock, begäran om stöd) and SMHI's heat levels, as collected in the
project's question-set notes (copied into ``reporting/README.md``). Fields marked [I] there are proposals.
"""

from __future__ import annotations

from typing import Any


def f(key: str, type_: str, sv: str, en: str, section: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label_sv": sv, "label_en": en, "section": section} | extra


MSB_SECTIONS = [
    ("event", "Händelse (vad, var, när, källa)", "Event (what, where, when, source)"),
    ("consequences", "Konsekvenser", "Consequences"),
    ("actions_taken", "Vidtagna åtgärder", "Actions taken"),
    ("actions_planned", "Planerade åtgärder", "Planned actions"),
    ("resources_needs", "Resurser och behov av stöd", "Resources and needs"),
    ("actors", "Berörda aktörer och samverkan", "Actors and collaboration"),
    ("communication", "Kriskommunikation", "Communication"),
    ("assessment", "Bedömning och prognos", "Assessment and forecast"),
]


def msb_fields(section: str = "Lägesbild") -> list[dict[str, Any]]:
    out = [f(k, "long_text", sv, en, section, rollup="collate") for k, sv, en in MSB_SECTIONS]
    out.append(f("next_report", "datetime", "Nästa rapport", "Next report", section))
    out.append(f("contact", "short_text", "Kontaktperson", "Contact person", section))
    return out


def staffing_fields() -> list[dict[str, Any]]:
    s = "Personal och bemanning"
    return [
        f(
            "staff_total",
            "integer",
            "Schemalagd personal i dag",
            "Staff scheduled today",
            s,
            min=0,
            unit="personer",
            rollup="sum",
            required=True,
        ),
        f(
            "staff_absent",
            "integer",
            "Frånvarande personal i dag",
            "Staff absent today",
            s,
            min=0,
            unit="personer",
            rollup="sum",
            required=True,
        ),
        f(
            "absence_percent",
            "percent",
            "Personalfrånvaro",
            "Staff absence",
            s,
            unit="%",
            rollup="weighted_mean",
            options={"weight": "staff_total"},
        ),
        f(
            "staffing_status",
            "status",
            "Bemanningsläge",
            "Staffing status",
            s,
            options={"scale": "traffic"},
            rollup="worst",
            required=True,
            help_sv="Grön = normal, gul = ansträngt, röd = kritiskt.",
            help_en="Green = normal, yellow = strained, red = critical.",
        ),
    ]


STAFFING_RULES = [
    {
        "left": "staff_absent",
        "op": "<=",
        "right": "staff_total",
        "message_sv": "Frånvarande kan inte vara fler än schemalagd personal.",
        "message_en": "Staff absent cannot exceed staff scheduled.",
    },
]

PPE_ARTICLES = [
    ("masks", "Munskydd", "Face masks"),
    ("visors", "Visir", "Visors"),
    ("aprons", "Förkläden", "Aprons"),
    ("gloves", "Skyddshandskar", "Protective gloves"),
    ("hand_disinfectant", "Handdesinfektion", "Hand disinfectant"),
]


def stock_fields(articles: list[tuple[str, str, str]], section: str, unit: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, sv, en in articles:
        out += [
            f(f"{key}_stock", "integer", f"{sv}: lager", f"{en}: stock", section, min=0, unit=unit, rollup="sum"),
            f(
                f"{key}_daily_use",
                "decimal",
                f"{sv}: förbrukning per dygn",
                f"{en}: daily use",
                section,
                min=0,
                unit=unit,
                rollup="sum",
            ),
            f(
                f"{key}_days",
                "days_of_stock",
                f"{sv}: räcker antal dygn",
                f"{en}: days of stock",
                section,
                unit="dygn",
                rollup="min",
                options={"stock": f"{key}_stock", "daily_use": f"{key}_daily_use"},
            ),
        ]
    return out


def support_fields() -> list[dict[str, Any]]:
    s = "Begäran om stöd"
    return [
        f("support_needed", "yes_no", "Behov av stöd", "Support needed", s, rollup="count_choice"),
        f("support_article", "short_text", "Artikel eller resurs", "Article or resource", s, rollup="collate"),
        f("support_quantity", "integer", "Antal", "Quantity", s, min=0, rollup="sum"),
        f(
            "support_within",
            "choice",
            "Behövs inom",
            "Needed within",
            s,
            rollup="count_choice",
            options={
                "choices": [
                    {"value": "48h", "sv": "48 timmar (akut)", "en": "48 hours (acute)"},
                    {"value": "week", "sv": "En vecka", "en": "One week"},
                    {"value": "later", "sv": "Senare", "en": "Later"},
                ]
            },
        ),
        f("support_delivery", "short_text", "Leveransadress / omlastningsplats", "Delivery point", s, rollup="collate"),
    ]


def infrastructure_fields() -> list[dict[str, Any]]:
    s = "Teknisk försörjning"
    traffic = {"scale": "traffic"}
    return [
        f("backup_power", "status", "Reservkraft", "Backup power", s, options=traffic, rollup="worst"),
        f("water", "status", "Vatten", "Water", s, options=traffic, rollup="worst"),
        f("heating", "status", "Värme", "Heating", s, options=traffic, rollup="worst"),
        f("it_telephony", "status", "IT och telefoni", "IT and telephony", s, options=traffic, rollup="worst"),
        f("safety_alarms_ok", "yes_no", "Trygghetslarm fungerar", "Safety alarms working", s, rollup="count_choice"),
    ]


def impact_field() -> dict[str, Any]:
    return f(
        "impact",
        "impact",
        "Påverkansgrad vård och omsorg",
        "Impact on care",
        "Påverkan",
        rollup="worst",
        required=True,
        help_sv="Bedöm de tre kriterierna; nivån 1–5 räknas fram som i länsstyrelsernas lägesbilder.",
        help_en="Judge the three criteria; the level 1-5 is derived as in the county boards' pictures.",
    )


def heat_fields() -> list[dict[str, Any]]:
    s = "Värmebölja"
    return [
        f(
            "max_indoor_temp",
            "decimal",
            "Högsta inomhustemperatur i dag",
            "Highest indoor temperature today",
            s,
            min=-10,
            max=60,
            unit="°C",
            rollup="max",
        ),
        f("heat_sensitive_residents", "integer", "Värmekänsliga brukare", "Heat-sensitive residents", s, min=0, rollup="sum"),
        f("cool_room", "yes_no", "Svalt rum finns", "Cool room available", s, rollup="count_choice"),
        f("heat_plan_active", "yes_no", "Värmeplanen är aktiverad", "Heat plan activated", s, rollup="count_choice"),
    ]


def pandemic_fields() -> list[dict[str, Any]]:
    s = "Smitta"
    return [
        f(
            "infected_confirmed",
            "integer",
            "Brukare med bekräftad smitta",
            "Residents with confirmed infection",
            s,
            min=0,
            rollup="sum",
        ),
        f(
            "infected_suspected",
            "integer",
            "Brukare med misstänkt smitta",
            "Residents with suspected infection",
            s,
            min=0,
            rollup="sum",
        ),
        f(
            "critical_moments",
            "yes_no",
            "Kritiska moment eller orosmoment",
            "Critical or worrying factors",
            s,
            rollup="count_choice",
        ),
    ]


def status_field() -> dict[str, Any]:
    return f(
        "operational_status",
        "status",
        "Beredskapsläge",
        "Preparedness level",
        "Påverkan",
        options={"scale": "preparedness"},
        rollup="worst",
    )


BUILTINS: list[dict[str, Any]] = [
    {"key": "msb-lagesbild", "name": "Lägesbild (MSB:s rubriker)", "fields": msb_fields(), "rules": []},
    {"key": "bemanning", "name": "Bemanning och frånvaro", "fields": staffing_fields(), "rules": STAFFING_RULES},
    {
        "key": "skyddsutrustning",
        "name": "Skyddsutrustning per artikel",
        "fields": stock_fields(PPE_ARTICLES, "Skyddsutrustning", "st"),
        "rules": [],
    },
    {
        "key": "lakemedel",
        "name": "Läkemedel i dygns lager",
        "rules": [],
        "fields": stock_fields([("medicines", "Läkemedel (kritiska)", "Critical medicines")], "Läkemedel", "förpackningar"),
    },
    {"key": "begaran-om-stod", "name": "Begäran om stöd", "fields": support_fields(), "rules": []},
    {
        "key": "teknisk-forsorjning",
        "name": "Reservkraft, vatten, värme, IT och telefoni",
        "fields": infrastructure_fields(),
        "rules": [],
    },
    {
        "key": "vaermebolja",
        "name": "Lägesbild värmebölja",
        "classified_warning": False,
        "rules": STAFFING_RULES,
        "fields": [impact_field(), status_field(), *staffing_fields(), *heat_fields(), *msb_fields()],
    },
    {
        "key": "pandemi",
        "name": "Lägesbild pandemi",
        "rules": STAFFING_RULES,
        "classified_warning": True,
        "fields": [
            impact_field(),
            *staffing_fields(),
            *pandemic_fields(),
            *stock_fields(PPE_ARTICLES[:2], "Skyddsutrustning", "st"),
            *support_fields(),
            *msb_fields(),
        ],
    },
]
