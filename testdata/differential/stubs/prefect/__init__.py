"""Test stub of prefect: the flow and task decorators, enough to import flow files.

Flow mirrors what Prefect 2 records: the function, the name (``name=`` or the
function name with ``_`` replaced by ``-``) and the description
(``description=`` or the function's cleaned docstring, ``inspect.getdoc``).
"""

import functools
import inspect

__all__ = ["Flow", "Task", "flow", "task", "get_run_logger"]


class Flow(object):
    def __init__(self, fn, name=None, description=None, **kwargs):
        if not callable(fn):
            raise TypeError("'fn' must be callable")
        if name is not None and not isinstance(name, str):
            raise TypeError("Expected string for flow parameter 'name'; got {} instead.".format(type(name).__name__))
        self.fn = fn
        self.name = name or fn.__name__.replace("_", "-")
        self.description = description or inspect.getdoc(fn)
        self.options = kwargs
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def with_options(self, *, name=None, description=None, **options):
        """Prefect 2's Flow.with_options: a new flow, `name or self.name`, `description or self.description`."""
        return Flow(self.fn, name=name or self.name, description=description or self.description,
                    **dict(self.options, **options))


class Task(object):
    def __init__(self, fn, name=None, **kwargs):
        self.fn = fn
        self.name = name or fn.__name__
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def submit(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def map(self, *args, **kwargs):
        return [self.fn(*a) for a in zip(*args)]


def flow(__fn=None, **kwargs):
    if __fn is None:
        return lambda fn: Flow(fn, **kwargs)
    return Flow(__fn, **kwargs)


def task(__fn=None, **kwargs):
    if __fn is None:
        return lambda fn: Task(fn, **kwargs)
    return Task(__fn, **kwargs)


def get_run_logger():
    import logging

    return logging.getLogger("prefect")
