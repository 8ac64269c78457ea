# Stands in for the bundled example's .docker/base/Dockerfile, which starts
# from prefecthq/prefect and installs packages from the internet: this one
# builds from nothing, offline, and records its build arguments as labels
# so that the test can read them back from the registry.
FROM scratch
ARG PYTHON_VERSION
LABEL org.flowplan.python-version=$PYTHON_VERSION
COPY pyproject.toml /src/repo/
COPY src /src/repo/src
