"""Care plans and refill reminders (DESIGN §12): pure functions over HQ's config.

HQ's ``/v1/config`` carries a ``care`` part: the plan templates (a chronic condition,
and steps at day offsets, each with what to do and a short script for the call, in
Chinese and English like the consent texts) and how many days before a regular medicine
runs out its refill reminder falls due. The counter computes a plan's task dates and the
refill dates with these functions, and HQ checks what arrives with the same ones, so the
two never disagree. Before the first sync the counter uses :data:`DEFAULT_CARE`, the same
templates the reference HQ serves. Dates are the store's local dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OUTCOMES = ("reached", "no_answer", "visited", "declined")
# What an outcome does to the task: done, due again tomorrow, or the plan ends.
DONE_OUTCOMES = ("reached", "visited")
RETRY_OUTCOME = "no_answer"
END_OUTCOME = "declined"
PLAN_STATES = ("active", "completed", "ended")
END_REASONS = ("declined", "consent_withdrawn", "member_deleted")

TEMPLATE_CODE_RE = re.compile(r"^[a-z0-9_]{1,32}\Z")
MAX_STEPS = 24
MAX_DAY = 366
DEFAULT_REFILL_LEAD_DAYS = 3


def _step(day: int, what_zh: str, what_en: str, script_zh: str, script_en: str) -> dict[str, Any]:
    return {
        "day": day,
        "what": {"zh": what_zh, "en": what_en},
        "script": {"zh": script_zh, "en": script_en},
    }


DEFAULT_CARE: dict[str, Any] = {
    "refill_lead_days": DEFAULT_REFILL_LEAD_DAYS,
    "templates": [
        {
            "code": "osteoporosis",
            "condition": "骨质疏松",
            "name": {"zh": "骨质疏松随访计划", "en": "Osteoporosis follow-up"},
            "steps": [
                _step(0, "用药指导", "Medication guidance",
                      "您好，我是药店的药师。今天跟您讲一下钙剂和抗骨松药的服用方法和注意事项。",
                      "Hello, I am the pharmacist. Let me go through how to take your calcium "
                      "and osteoporosis medicines."),
                _step(7, "提醒按时服药", "Reminder to take the medicines",
                      "您好，提醒您按时服药；阿仑膦酸钠要空腹用一大杯白开水送服，服后半小时内不要躺下。",
                      "Hello, a reminder to take your medicines on time; take alendronate on an "
                      "empty stomach with a full glass of water and stay upright for 30 minutes."),
                _step(14, "饮食指导", "Diet guidance",
                      "您好，建议多吃奶制品、豆制品和深绿色蔬菜，少喝浓茶和咖啡，适量晒太阳。",
                      "Hello, we suggest dairy, soy and dark green vegetables, less strong tea "
                      "and coffee, and some sunlight every day."),
                _step(21, "防跌倒指导，提醒续药", "Fall prevention; refill reminder",
                      "您好，家里注意防滑、夜间留灯，起身要慢。您的药快用完了，欢迎来店续药。",
                      "Hello, keep floors dry and a night light on, and stand up slowly. Your "
                      "medicine is running low: you are welcome to come in for a refill."),
                _step(35, "提醒复诊，运动指导", "See the doctor again; exercise",
                      "您好，建议近期到医院复诊、复查骨密度；平时可以散步、打太极，避免剧烈运动。",
                      "Hello, please see your doctor again soon for a bone density check; walks "
                      "and tai chi are good, avoid strenuous exercise."),
                _step(49, "回顾评估", "Review",
                      "您好，这段时间服药和身体情况怎么样？有没有不适？我们一起看看下一步。",
                      "Hello, how have the medicines and you been? Any discomfort? Let us "
                      "look at the next steps together."),
            ],
        },
        {
            "code": "hypertension",
            "condition": "高血压",
            "name": {"zh": "高血压随访计划", "en": "Hypertension follow-up"},
            "steps": [
                _step(0, "用药指导，家庭测血压", "Medication guidance; home blood pressure",
                      "您好，降压药要每天固定时间服用，不能自行停药；建议早晚各测一次血压并记录。",
                      "Hello, take your blood pressure medicine at the same time every day and "
                      "never stop on your own; measure morning and evening and write it down."),
                _step(3, "询问血压和不良反应", "Ask about readings and side effects",
                      "您好，这几天血压多少？有没有头晕、脚踝水肿或干咳？",
                      "Hello, what were your readings these days? Any dizziness, swollen "
                      "ankles or a dry cough?"),
                _step(14, "低盐饮食指导", "Low-salt diet",
                      "您好，每天盐不超过5克，少吃咸菜和加工肉，多吃蔬菜水果，戒烟限酒。",
                      "Hello, keep salt under 5 g a day, fewer pickles and processed meat, more "
                      "vegetables and fruit; no smoking, little alcohol."),
                _step(28, "提醒续药，回顾血压", "Refill reminder; blood pressure review",
                      "您好，您的降压药快用完了，欢迎来店续药，顺便免费量一下血压。",
                      "Hello, your medicine is running low: come in for a refill and a free "
                      "blood pressure check."),
                _step(56, "提醒复诊", "See the doctor again",
                      "您好，建议带上血压记录到医院复诊，请医生评估用药。",
                      "Hello, please take your readings to your doctor for a review of the "
                      "medicines."),
                _step(90, "回顾评估", "Review",
                      "您好，这三个月血压控制得怎么样？我们一起看看下一步。",
                      "Hello, how has your blood pressure been these three months? Let us look "
                      "at the next steps."),
            ],
        },
        {
            "code": "type2_diabetes",
            "condition": "2型糖尿病",
            "name": {"zh": "2型糖尿病随访计划", "en": "Type 2 diabetes follow-up"},
            "steps": [
                _step(0, "用药指导，血糖监测", "Medication guidance; glucose monitoring",
                      "您好，今天讲一下降糖药的服用时间，以及怎样在家测空腹和餐后血糖。",
                      "Hello, let me explain when to take your diabetes medicines and how to "
                      "check fasting and after-meal glucose at home."),
                _step(7, "低血糖识别与处理", "Recognising low blood sugar",
                      "您好，如果出现心慌、出汗、手抖，可能是低血糖，请立即吃几块糖并测血糖。",
                      "Hello, a racing heart, sweating or shaking may be low blood sugar: eat "
                      "some sugar at once and check your glucose."),
                _step(14, "饮食指导", "Diet guidance",
                      "您好，主食定时定量，粗细搭配，少吃甜食和油炸食品，多吃蔬菜。",
                      "Hello, regular measured meals, whole grains, fewer sweets and fried "
                      "food, more vegetables."),
                _step(30, "足部护理，提醒续药", "Foot care; refill reminder",
                      "您好，每天检查双脚有没有破损，穿宽松鞋袜。您的药快用完了，欢迎来店续药。",
                      "Hello, check your feet every day and wear loose shoes and socks. Your "
                      "medicine is running low: come in for a refill."),
                _step(60, "提醒复诊，查糖化血红蛋白", "See the doctor; HbA1c test",
                      "您好，建议到医院复诊，查一下糖化血红蛋白，请医生评估用药。",
                      "Hello, please see your doctor for an HbA1c test and a review of the "
                      "medicines."),
                _step(90, "回顾评估", "Review",
                      "您好，这三个月血糖控制得怎么样？我们一起看看下一步。",
                      "Hello, how has your blood sugar been these three months? Let us look at "
                      "the next steps."),
            ],
        },
    ],
}  # fmt: skip


@dataclass(frozen=True)
class CareStep:
    """One step of a plan: ``no`` counts from 1 in the template's order."""

    no: int
    day: int
    what_zh: str
    what_en: str
    script_zh: str
    script_en: str


@dataclass(frozen=True)
class CareTemplate:
    code: str
    condition: str  # as the health record's chronic list names it, e.g. 骨质疏松
    name_zh: str
    name_en: str
    steps: tuple[CareStep, ...]

    def step(self, no: int) -> CareStep:
        for step in self.steps:
            if step.no == no:
                return step
        raise KeyError(no)


@dataclass(frozen=True)
class CareConfig:
    templates: Mapping[str, CareTemplate]
    refill_lead_days: int = DEFAULT_REFILL_LEAD_DAYS


def _texts(value: Any, what: str, limit: int) -> tuple[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be {{'zh': ..., 'en': ...}}")
    zh, en = value.get("zh"), value.get("en", "")
    if not isinstance(zh, str) or not zh.strip() or not isinstance(en, str):
        raise ValueError(f"{what} needs a Chinese text")
    if len(zh) > limit or len(en) > 2 * limit:
        raise ValueError(f"{what} is too long")
    return zh.strip(), (en.strip() or zh.strip())


def parse_template(item: Any) -> CareTemplate:
    """One template from the config; ``ValueError`` says what is wrong with it."""
    if not isinstance(item, Mapping):
        raise ValueError("a care template is an object")
    code = item.get("code")
    if not isinstance(code, str) or not TEMPLATE_CODE_RE.match(code):
        raise ValueError(f"care template code {code!r} is not [a-z0-9_]{{1,32}}")
    condition = item.get("condition")
    if not isinstance(condition, str) or not condition.strip() or len(condition) > 64:
        raise ValueError(f"care template {code}: condition must be a text")
    name_zh, name_en = _texts(item.get("name"), f"care template {code}: name", 64)
    raw_steps = item.get("steps")
    if not isinstance(raw_steps, list) or not 1 <= len(raw_steps) <= MAX_STEPS:
        raise ValueError(f"care template {code}: 1 to {MAX_STEPS} steps")
    steps: list[CareStep] = []
    last = -1
    for no, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, Mapping):
            raise ValueError(f"care template {code}: a step is an object")
        day = raw.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or not last < day <= MAX_DAY:
            raise ValueError(f"care template {code}: step days rise from 0 to {MAX_DAY}")
        last = day
        what = _texts(raw.get("what"), f"care template {code} step {no}: what", 64)
        script = _texts(raw.get("script"), f"care template {code} step {no}: script", 400)
        steps.append(CareStep(no, day, what[0], what[1], script[0], script[1]))
    return CareTemplate(code, condition.strip(), name_zh, name_en, tuple(steps))


def parse_care(part: Any) -> CareConfig:
    """The config's ``care`` part (absent: the defaults); ``ValueError`` if unusable."""
    if part is None:
        part = DEFAULT_CARE
    if not isinstance(part, Mapping):
        raise ValueError("the care config is an object")
    lead = part.get("refill_lead_days", DEFAULT_REFILL_LEAD_DAYS)
    if not isinstance(lead, int) or isinstance(lead, bool) or not 0 <= lead <= 60:
        raise ValueError("refill_lead_days is a whole number from 0 to 60")
    items = part.get("templates", [])
    if not isinstance(items, list):
        raise ValueError("care templates are a list")
    templates: dict[str, CareTemplate] = {}
    for item in items:
        template = parse_template(item)
        if template.code in templates:
            raise ValueError(f"care template {template.code} appears twice")
        templates[template.code] = template
    return CareConfig(templates, lead)


def task_dates(template: CareTemplate, start_on: dt.date) -> list[tuple[int, dt.date]]:
    """Each step's number and due date for a plan starting on ``start_on``."""
    return [(step.no, start_on + dt.timedelta(days=step.day)) for step in template.steps]


def retry_on(done_on: dt.date) -> dt.date:
    """Nobody answered: the task is due again the next day."""
    return done_on + dt.timedelta(days=1)


def runs_out_on(last_dispensed: dt.date, days_supply: int) -> dt.date:
    """The first day without medicine: a supply of N days dispensed on D lasts D .. D+N-1."""
    return last_dispensed + dt.timedelta(days=days_supply)


def refill_due_on(
    last_dispensed: dt.date | None, days_supply: int | None, lead_days: int
) -> dt.date | None:
    """When the refill reminder falls due: ``lead_days`` before the medicine runs out.

    None when the medicine has no days' supply or no dispensing date (no reminder).
    """
    if last_dispensed is None or not days_supply or days_supply < 1:
        return None
    due = runs_out_on(last_dispensed, days_supply) - dt.timedelta(days=lead_days)
    return max(due, last_dispensed)
