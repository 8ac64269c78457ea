"""Settings shared by the analytics flows."""

TEAM = "analytics"
AWS_POOL = "analytics-aws-ecs"
SNOWFLAKE_DATABASE = {"dev": "DEVELOPMENT", "staging": "STAGING", "main": "ANALYTICS"}
