"""Stand-in for the seed's common.settings, as its user guide describes it:
settings bases reading DF_CONFIG_-prefixed variables, nested settings that
validate assignments, and a cached constructor. Secrets are not part of the
golden cases."""
from functools import cache
from typing import Literal

from pydantic import BaseModel, BaseSettings


class NestedSettings(BaseModel):
    class Config:
        validate_assignment = True


class Settings(BaseSettings):
    class Config:
        env_prefix = "df_config_"
        env_nested_delimiter = "__"


class CommonSettings(Settings):
    deployment_type: Literal["dev", "staging", "main"] = "dev"


@cache
def get_cached_settings(settings):
    return settings()
