"""Test stub of common.settings.CommonSettings (a pydantic BaseSettings in the original).

deployment_type comes from the keyword argument, else env DF_CONFIG_DEPLOYMENT_TYPE
(the variable's name is matched case-insensitively), else "dev"; it must be
one of dev, staging, main.
"""

import os

from flowspec._model import ErrorDetail, ValidationError

_TYPES = ("dev", "staging", "main")


class CommonSettings(object):
    def __init__(self, **values):
        dt = values.get("deployment_type")
        if dt is None:
            for k, v in os.environ.items():
                if k.lower() == "df_config_deployment_type":
                    dt = v
            if dt is None:
                dt = "dev"
        if dt not in _TYPES:
            raise ValidationError([ErrorDetail(("deployment_type",), "unexpected value; permitted: 'dev', 'staging', 'main'",
                                               "value_error.const")], type(self))
        self.deployment_type = dt

    @property
    def is_production(self):
        return self.deployment_type == "main"

    @property
    def dev_or_production(self):
        return "production" if self.is_production else "dev"

    def deployment_type_value(self, dev=None, staging=None, main=None):
        return {"dev": dev, "staging": staging, "main": main}[self.deployment_type]
