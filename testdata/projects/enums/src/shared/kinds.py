"""Kinds of candidates, as the recommendation API names them."""
from enum import Enum, IntEnum, StrEnum, auto, unique
from typing import List

from pydantic import BaseModel


class CandidateType(str, Enum):
    prospect = "prospect"
    recommendation = "recommendation"
    rec = "recommendation"  # an alias

    @property
    def queue(self) -> str:
        return f"{self.value.title()}-Queue"


@unique
class NewTabFeedID(int, Enum):
    en_US = 1
    de_DE = 3
    en_GB = 6


class Surface(StrEnum):
    NEW_TAB = auto()
    HOME = "home-page"


class Priority(IntEnum):
    LOW = auto()
    HIGH = auto()


class Cadence(Enum):
    hourly = "0 * * * *"
    daily = "0 6 * * *"

    def describe(self) -> str:
        return f"runs {self.name} ({self.value})"


class CandidateSetConfig(BaseModel):
    type: CandidateType
    feeds: List[NewTabFeedID] = []
    surface: Surface = Surface.NEW_TAB
    priority: int = Priority.LOW
    label: str = ""


class StoredConfig(CandidateSetConfig):
    class Config:
        use_enum_values = True
