# Stands in for the worker-era project's docker/base/Dockerfile (which
# starts from prefecthq/prefect and runs poetry install): built from
# nothing, offline, with the build arguments recorded as labels.
FROM scratch
ARG PYTHON_VERSION
ARG PREFECT_VERSION
ARG DEPENDENCY_GROUP=main
LABEL org.flowplan.python-version=$PYTHON_VERSION org.flowplan.prefect-version=$PREFECT_VERSION org.flowplan.dependency-group=$DEPENDENCY_GROUP
COPY pyproject.toml poetry.lock /src/repo/
