# Stands in for the worker-era project's docker/ml/Dockerfile: built from
# nothing, offline, with a step that runs as long as the build-seconds file
# in the build context says (the sleeper binary the test builds), so that a
# test can stop the docker daemon in the middle of it.
FROM scratch
ARG PYTHON_VERSION
ARG PREFECT_VERSION
ARG DEPENDENCY_GROUP=main
LABEL org.flowplan.python-version=$PYTHON_VERSION org.flowplan.prefect-version=$PREFECT_VERSION org.flowplan.dependency-group=$DEPENDENCY_GROUP
COPY sleeper build-seconds /build/
RUN ["/build/sleeper", "/build/build-seconds"]
COPY pyproject.toml poetry.lock /src/repo/
