// Package corpus writes a synthetic Prefect data project shaped like real
// ones (imports, SQL templates, helper functions, tasks, a flow and a
// FLOW_SPEC with several deployments), for benchmarks of the extractor.
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Pyproject is the project file every corpus gets.
const Pyproject = `[tool.poetry]
name = "bench-products"
version = "1.0.0"
description = "synthetic benchmark project"

[tool.prefect]
flows_folder = "src"

[tool.prefect.envs.base]
python_version = "3.10"
dockerfile_path = ".docker/base/Dockerfile"

[tool.prefect.envs.ml]
python_version = "3.10"
dockerfile_path = ".docker/base/Dockerfile"
`

// Write creates a project with n flow files under dir, spread over folders
// of 25 files. The same n always gives the same bytes.
func Write(dir string, n int) error {
	if err := os.MkdirAll(filepath.Join(dir, ".docker", "base"), 0o755); err != nil {
		return fmt.Errorf("creating corpus: %w", err)
	}
	files := map[string]string{
		"pyproject.toml":          Pyproject,
		".docker/base/Dockerfile": "ARG PYTHON_VERSION\nFROM prefecthq/prefect:2-python${PYTHON_VERSION}\n",
		"src/shared/__init__.py":  "",
		"src/shared/utils.py":     sharedUtils,
	}
	for i := 0; i < n; i++ {
		files[fmt.Sprintf("src/group_%03d/job_%04d_flow.py", i/25, i)] = FlowFile(i)
	}
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("creating corpus: %w", err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return fmt.Errorf("creating corpus: %w", err)
		}
	}
	return nil
}

const sharedUtils = `from typing import Optional

from pydantic import BaseModel, Field

DEFAULT_WAREHOUSE = "prefect_wh_dev"
SCHEMA_PREFIX = "analytics"


class SqlJob(BaseModel):
    """A SQL job run by many flows."""

    job_name: str
    schedule_cron: Optional[str] = None
    warehouse: str = DEFAULT_WAREHOUSE
    lookback_days: int = Field(3, description="days to reprocess")
`

var columns = []string{"record_date", "network", "url", "utm_campaign", "utm_content", "utm_medium",
	"utm_source", "site_domain", "ad_unit", "country_code", "device_type", "browser", "impressions", "net_revenue"}

// FlowFile returns the source of the i-th flow file (about 10 KB).
func FlowFile(i int) string {
	var b strings.Builder
	name := fmt.Sprintf("job_%04d", i)
	env := "base"
	if i%3 == 0 {
		env = "ml"
	}
	fmt.Fprintf(&b, `"""Flow %d: loads partner data into the warehouse."""
import os
from datetime import timedelta, datetime
from pathlib import Path

import pandas as pd
import requests
from common.deployment import FlowDeployment, FlowEnvar, FlowSpec
from common.settings import CommonSettings
from prefect import flow, get_run_logger, task
from prefect.server.schemas.schedules import CronSchedule, IntervalSchedule
from prefect_snowflake.database import snowflake_query
from shared.utils import SqlJob, SCHEMA_PREFIX

CS = CommonSettings()

TABLE = "%s_events"
SCHEMA = f"{SCHEMA_PREFIX}_{CS.dev_or_production}"
BATCH_SIZE = %d
REGIONS = ["us", "eu", "apac", "latam"]
`, i, name, 1000+i*7)
	for q := 0; q < 6; q++ {
		fmt.Fprintf(&b, "\nSQL_%d = f\"\"\"\nSELECT\n", q)
		for c, col := range columns {
			sep := ","
			if c == len(columns)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "    src.%s AS %s_%d%s\n", col, col, q, sep)
		}
		fmt.Fprintf(&b, "FROM {SCHEMA}.{TABLE} AS src\nWHERE src.record_date >= %%(start_date)s\n  AND src.region IN ('us', 'eu')\n  AND src.batch < {BATCH_SIZE}\n\"\"\"\n")
	}
	for t := 0; t < 5; t++ {
		fmt.Fprintf(&b, `

def helper_%d(rows: list, limit: int = %d) -> list:
    """Trim and normalise rows for step %d."""
    out = []
    for row in rows[:limit]:
        if not row:
            continue
        out.append({k.lower(): v for k, v in row.items()})
    return out


@task(retries=3, retry_delay_seconds=30)
def step_%d(start_date: str, region: str = "us"):
    logger = get_run_logger()
    logger.info(f"running step %d for {region} from {start_date}")
    response = requests.get("https://api.example.com/v1/data", params={"start": start_date, "region": region})
    response.raise_for_status()
    frame = pd.DataFrame(helper_%d(response.json()["data"]))
    frame.to_parquet(Path("/tmp") / f"{TABLE}_{region}_%d.parquet")
    snowflake_query(query=SQL_%d, params={"start_date": start_date})
    return len(frame)
`, t, 100*(t+1), t, t, t, t, t, t)
	}
	fmt.Fprintf(&b, `

@flow(name="%s-flow")
def %s(start_date: str = "2024-01-01", regions: list[str] = REGIONS, full_refresh: bool = False, limit: int | None = None):
    """Run every step of %s for each region."""
    for region in regions:
        for fn in (step_0, step_1, step_2, step_3, step_4):
            fn(start_date, region)


JOB = SqlJob(job_name="%s", schedule_cron="%d %d * * *")

FLOW_SPEC = FlowSpec(
    flow=%s,
    docker_env="%s",
    secrets=[
        FlowEnvar(envar_name="SNOWFLAKE_CREDS", envar_value=f"data-flows/{CS.deployment_type}/snowflake"),
        FlowEnvar(envar_name="PARTNER_API_KEY", envar_value="data-flows/partner/%s"),
    ],
    envars=[FlowEnvar(envar_name="TABLE", envar_value=TABLE)],
    ephemeral_storage_gb=%d,
    deployments=[
        FlowDeployment(
            deployment_name="daily",
            cpu="%d",
            memory=str(%d * 2),
            parameters={"start_date": "2024-01-01", "regions": REGIONS[:2], "limit": BATCH_SIZE},
            schedule=CronSchedule(cron=JOB.schedule_cron, timezone="America/Los_Angeles"),
        ),
        FlowDeployment(
            deployment_name="hourly-" + REGIONS[%d %% 4],
            cpu=1024,
            memory=4096,
            parameters={"regions": [r for r in REGIONS if r != "us"], "full_refresh": False},
            schedule=IntervalSchedule(interval=timedelta(hours=%d)),
            envars=[FlowEnvar(envar_name="MODE", envar_value="hourly")],
        ),
        FlowDeployment(
            deployment_name="backfill",
            parameters={"start_date": f"{2020 + %d %% 4}-01-01", "full_refresh": True},
            envars=[FlowEnvar(envar_name="MODE", envar_value="backfill")],
        ),
    ],
)

if __name__ == "__main__":
    %s()
`, strings.ReplaceAll(name, "_", "-"), name, name, name, i%60, i%24, name, env, name, 21+i%180, []int{256, 512, 1024, 2048}[i%4], []int{512, 1024, 2048, 4096}[i%4], i, 1+i%12, i, name)
	return b.String()
}
