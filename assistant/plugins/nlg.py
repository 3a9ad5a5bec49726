"""Rasa plugin: the domain's responses, with the deployment's contact details filled in.

Configured in endpoints.yml (`nlg: type: assistant.plugins.nlg.SettingsResponseGenerator`).
It runs inside the Rasa server, so no reply depends on the action server:

- `{care_team_contact}` and `{emergency_number}` come from the deployment settings
  (`assistant.settings`), read by this process, for every reply of every session;
- `urgency_level` is set for the reply from the red flags the NLU found in the latest
  message (`assistant.nlu.red_flag_classifier`), so `utter_urgent` says to call
  emergency services first for trouble breathing, a seizure or a child hard to wake.

Everything else is Rasa's own templated generator (variations, conditions, buttons).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.names import (
    CARE_TEAM_SLOT,
    EMERGENCY_LEVEL,
    EMERGENCY_SLOT,
    RED_FLAGS_KEY,
    URGENCY_SLOT,
    URGENT_LEVEL,
)
from assistant.settings import Settings, get_settings


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


class SettingsResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's templated generator with `reply_slots` as the slot values."""

    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Optional[Dict[str, Any]]:
        parse_data = tracker.latest_message.parse_data if tracker.latest_message else {}
        slots = reply_slots(tracker.current_slot_values(), parse_data, get_settings())
        return self.generate_from_slots(utter_action, slots, output_channel, **kwargs)
