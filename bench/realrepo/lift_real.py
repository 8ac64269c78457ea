"""CPython's side of the real-repository check: import every flow file of a
project with the project's own modules and the real common-utils package,
third-party packages stubbed, and print what FLOW_SPEC holds in the shape
`flowspec-extract --specs-only` prints.

Usage: python3 lift_real.py PROJECT_DIR COMMON_UTILS_SRC > entries.json

The stubs: Prefect is the differential test's stub package (its Flow records
name, description and the function, as Prefect does); pydantic is pydantic's
v1 API; any other module that cannot be imported (boto3, pandas, snowflake,
prefect_aws, ...) is a stub whose attributes are stand-ins that can be
called, subclassed and used as decorators. A flow file whose FLOW_SPEC
depends on a stand-in is reported as an error naming it.
"""
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import types
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DIFF = os.path.join(REPO, "testdata", "differential")

project_dir, common_src = sys.argv[1], sys.argv[2]

# lift.py's helpers (flow parameters, schedules, JSON, flow-file discovery);
# it puts the test stubs first on sys.path: the real common-utils must win.
sys.argv = [sys.argv[0]]
spec = importlib.util.spec_from_file_location("difflift", os.path.join(DIFF, "lift.py"))
lift = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lift)
# lift.py leaves the stubs first on sys.path, for prefect; the stubs' own
# common package is kept out below by _NoStubCommon.
sys.path.insert(1, common_src)
for name in list(sys.modules):
    if name == "common" or name.startswith("common."):
        del sys.modules[name]


class StandIn(object):
    """A value from a stubbed package."""

    def __init__(self, *args, **kwargs):
        self._args = args

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]  # used as a decorator
        return StandIn()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return StandIn()

    def __iter__(self):
        return iter(())

    @classmethod
    def __get_validators__(cls):
        # pydantic v1 accepts anything for a field typed with a stand-in
        yield lambda v: v

    def __getitem__(self, key):
        return StandIn()


class StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        cls = type(name, (StandIn,), {"__module__": self.__name__})
        setattr(self, name, cls)
        return cls


class StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: whatever nothing else finds becomes a stub."""

    def find_spec(self, fullname, path, target=None):
        top = fullname.split(".")[0]
        if top == "common" or not self._from_project():
            return None  # the real common-utils, an installed library's own probe, or a real ImportError
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    @staticmethod
    def _from_project():
        """Whether the import statement being run is in the project or in
        common-utils (stubs stand in for their dependencies only)."""
        f = sys._getframe(2)
        roots = (os.path.abspath(project_dir) + os.sep, os.path.abspath(common_src) + os.sep)
        while f is not None:
            name = f.f_code.co_filename
            if not name.startswith("<frozen") and "importlib" not in name:
                return os.path.abspath(name).startswith(roots)
            f = f.f_back
        return False

    def create_module(self, spec):
        m = StubModule(spec.name)
        m.__path__ = []
        return m

    def exec_module(self, module):
        pass


sys.meta_path.append(StubFinder())

# common-utils reads pyproject.toml with the toml package (not installed
# here); tomllib reads it the same way.
try:
    import toml  # noqa: F401
except ImportError:
    import tomllib

    _toml = types.ModuleType("toml")
    _toml.loads = tomllib.loads
    _toml.load = lambda f: tomllib.loads(f.read() if hasattr(f, "read") else open(f).read())
    sys.modules["toml"] = _toml

# python-slugify (not installed here) names things in common-utils; the
# flowspec package carries the same slugify (checked against it).
try:
    import slugify  # noqa: F401
except ImportError:
    import flowspec._slug

    _slug = types.ModuleType("slugify")
    _slug.slugify = lambda text, **kw: flowspec._slug.slugify(text)
    sys.modules["slugify"] = _slug


# The deployment models are flowspec's (the differential test's stubs of
# common.deployment), which hold pydantic v1's rules for
# the seed's models without the original's deploy-time work (the real
# worker-era FlowSpec runs poetry when it is built). The rest of
# common-utils is the real package.
SEED = ("common.deployment", "common.deployment.worker")
REAL = ("common",) + SEED


class _FallbackLoader(importlib.abc.Loader):
    """Runs a common-utils module; one CPython 3.11 cannot run (common-utils
    targets 3.10: snowflake_utils has a regex 3.11 refuses) becomes a stub,
    as third-party packages are."""

    def __init__(self, real):
        self.real = real

    def create_module(self, spec):
        return self.real.create_module(spec)

    def exec_module(self, module):
        try:
            self.real.exec_module(module)
        except Exception:
            if module.__name__ in REAL:
                raise
            module.__class__ = StubModule


class _NoStubCommon(importlib.abc.MetaPathFinder):
    """Keeps the differential stubs' common package out: the real one runs."""

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] != "common":
            return None
        if fullname in SEED:
            seed_path = [os.path.join(lift.STUBS, *fullname.split(".")[:-1])]
            return importlib.machinery.PathFinder.find_spec(fullname, seed_path)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path if path else [common_src])
        if spec is not None and spec.loader is not None:
            spec.loader = _FallbackLoader(spec.loader)
        return spec


sys.meta_path.insert(0, _NoStubCommon())


def main():
    # The original ran from the sub-project's root, and common-utils finds
    # pyproject.toml from there (its FlowSpec reads it when built).
    os.chdir(project_dir)
    sys.argv[0] = os.path.join(os.path.abspath(project_dir), "deploy-cli")
    out = lift.lift_project(project_dir)
    if out["error"]:
        sys.exit("reading %s: %s" % (project_dir, out["error"]))
    json.dump(out["files"], sys.stdout, indent=1, sort_keys=True)


main()
