"""Rasa plugin: the domain's responses, with the deployment's contact details filled in.

Configured in endpoints.yml (`nlg: type: assistant.plugins.nlg.SettingsResponseGenerator`).
It runs inside the Rasa server, so no reply depends on the action server:

- `{care_team_contact}` and `{emergency_number}` come from the deployment settings
  (`assistant.settings`), read by this process, for every reply of every session;
- `urgency_level` is set for the reply from the red flags the NLU found in the latest
  message (`assistant.nlu.red_flag_classifier`), so `utter_urgent` says to call
  emergency services first for trouble breathing, a seizure or a child hard to wake;
- when the triage was not sure the message is only a question (`triage.decision` is
  `caution`), the first reply of the turn starts with `utter_caution` (contact the care team
  right away; the emergency sentence) and carries the urgent marker, then the answer;
- `utter_other_language_safety` is the fixed safety message in the parent's language
  (`languages/safety_messages.yml`); none is sent for a language the file does not have,
  since `utter_other_language` says the same in English right after it.

- the first of two FAQ answers in one turn (`assistant.faq_context`) leaves out its "To reach
  them" line and its buttons, so the care-team line comes once, after the second;
- `utter_not_in_source` offers the nearest topic the article does answer, labelled as
  related, as a button.

Everything else is Rasa's own templated generator (variations, conditions, buttons).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.faq_context import (
    FAQ_ACTION_PREFIX,
    answer_plan,
    last_answer_text,
    last_topic,
    related_topic,
    related_topics,
)
from assistant.names import (
    CARE_TEAM_SLOT,
    CAUTION_MARKER,
    CAUTION_RESPONSE,
    EMERGENCY_LEVEL,
    EMERGENCY_SENTENCE,
    EMERGENCY_SLOT,
    LANGUAGE_KEY,
    NOT_IN_SOURCE_RESPONSE,
    OTHER_LANGUAGE_SAFETY_RESPONSE,
    RED_FLAGS_KEY,
    TRIAGE_CAUTION,
    TRIAGE_KEY,
    URGENCY_SLOT,
    URGENT_LEVEL,
    URGENT_LEVEL_KEY,
    URGENT_MARKER,
    URGENT_RESPONSE,
)
from assistant.safety_messages import SafetyMessages, load_safety_messages
from assistant.settings import Settings, get_settings
from assistant.topics import topic_title

CONTACT_LINE = "To reach them, {contact}."


def urgency_level(parse_data: Mapping[str, Any]) -> str:
    """ "emergency" when a red flag of the message calls for emergency services, else "urgent"."""
    flags = parse_data.get(RED_FLAGS_KEY) or []
    emergency = any(isinstance(f, Mapping) and f.get("emergency") for f in flags)
    return EMERGENCY_LEVEL if emergency else URGENT_LEVEL


def reply_slots(
    slots: Mapping[str, Any], parse_data: Mapping[str, Any], settings: Settings
) -> Dict[str, Any]:
    """The slot values a reply is filled from: the tracker's, overlaid with the settings'
    contact details and the urgency of the latest message."""
    return {
        **slots,
        CARE_TEAM_SLOT: settings.care_team_contact,
        EMERGENCY_SLOT: settings.emergency_number,
        URGENCY_SLOT: urgency_level(parse_data),
    }


def is_caution(parse_data: Mapping[str, Any]) -> bool:
    triage = parse_data.get(TRIAGE_KEY)
    return isinstance(triage, Mapping) and triage.get("decision") == TRIAGE_CAUTION


def with_caution(response: Dict[str, Any], caution_text: str, emergency_number: str) -> Dict[str, Any]:
    """The response with the emergency line first, its own copy of the emergency sentence
    dropped, and the urgent marker (the widget styles it and offers the call links)."""
    body = str(response.get("text") or "")
    sentence = EMERGENCY_SENTENCE.replace("{emergency_number}", emergency_number)
    if sentence in caution_text:
        body = " ".join(body.replace(sentence, " ").split())
    raw_custom = response.get("custom")
    custom: Dict[str, Any] = raw_custom if isinstance(raw_custom, dict) else {}
    return {
        **response,
        "text": f"{caution_text} {body}".strip(),
        "custom": {**custom, URGENT_MARKER: True, URGENT_LEVEL_KEY: URGENT_LEVEL, CAUTION_MARKER: True},
    }


def other_language_text(
    parse_data: Mapping[str, Any], messages: SafetyMessages, settings: Settings
) -> Optional[str]:
    """The safety message in the language of the message, or None without one."""
    language = parse_data.get(LANGUAGE_KEY)
    code = language.get("code") if isinstance(language, Mapping) else None
    message = messages.get(str(code)) if code else None
    return message.render(settings) if message else None


def first_reply_of_turn(tracker: DialogueStateTracker) -> bool:
    """True while the bot has said nothing since the parent's latest message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, BotUttered):
            return False
    return True


def without_contact_line(response: Dict[str, Any], care_team_contact: str) -> Dict[str, Any]:
    """The answer without its "To reach them" sentence and buttons (another answer follows)."""
    text = str(response.get("text") or "").replace(CONTACT_LINE.format(contact=care_team_contact), " ")
    return {**response, "text": " ".join(text.split()), "buttons": []}


def with_related_topic(response: Dict[str, Any], key: Optional[str]) -> Dict[str, Any]:
    """The "not in my source" reply with the nearest topic the source covers, as a button."""
    if not key:
        return response

    title = topic_title(key)
    text = f"{response.get('text') or ''} A related topic my source does cover: {title}".strip()
    buttons = [{"title": f"Related: {title}", "payload": title}]
    return {**response, "text": text, "buttons": buttons}


class SettingsResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's templated generator with `reply_slots` as the slot values."""

    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.related = related_topics(self.responses)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Optional[Dict[str, Any]]:
        parse_data = tracker.latest_message.parse_data if tracker.latest_message else {}
        settings = get_settings()
        if utter_action == OTHER_LANGUAGE_SAFETY_RESPONSE:
            text = other_language_text(parse_data, load_safety_messages(), settings)
            return {"text": text} if text else None
        slots = reply_slots(tracker.current_slot_values(), parse_data, settings)
        response = self.generate_from_slots(utter_action, slots, output_channel, **kwargs)
        if response is not None:
            response = self._in_context(response, utter_action, tracker, parse_data, settings)
        if (
            response is not None
            and utter_action not in (URGENT_RESPONSE, CAUTION_RESPONSE)
            and is_caution(parse_data)
            and first_reply_of_turn(tracker)
        ):
            caution = self.generate_from_slots(CAUTION_RESPONSE, slots, output_channel)
            if caution and caution.get("text"):
                response = with_caution(response, str(caution["text"]), settings.emergency_number)
        return response

    def _in_context(
        self,
        response: Dict[str, Any],
        utter_action: str,
        tracker: DialogueStateTracker,
        parse_data: Mapping[str, Any],
        settings: Settings,
    ) -> Dict[str, Any]:
        context = last_topic(tracker.events)
        if utter_action == NOT_IN_SOURCE_RESPONSE:
            return with_related_topic(response, related_topic(parse_data, context))
        if utter_action.startswith(FAQ_ACTION_PREFIX):
            plan = answer_plan(parse_data, context, self.related, last_answer_text(tracker.events))
            if plan and len(plan) == 2 and utter_action == plan[0] and first_reply_of_turn(tracker):
                return without_contact_line(response, settings.care_team_contact)
        return response
