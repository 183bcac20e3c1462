"""The exception tree. Every error the library raises is a StewardGraphError.

    StewardGraphError (500)
    ├── InputError (400)          bad curated data: names file, record and field
    │   └── ValidationFailed      several problems at once, such as SHACL violations
    ├── ParameterError (400)      a bad named-query or HTTP parameter
    ├── ImportRefused (400)       an import file of the wrong shape: nothing is imported
    ├── QuerySyntaxError (400)    a malformed SPARQL query, with line and column
    ├── QueryRefused (400)        a query the service will not run: it would fetch a URL, is
    │                             nested too deep, or needs more memory than a query may have
    ├── Forbidden (403)           a write without the configured token
    ├── NotFound (404)            an unknown named query or entity
    ├── NotAcceptable (406)       no offered media type is acceptable
    ├── Busy (409)                another build or import is writing the store
    ├── TooLarge (413)            a request body or query text over its size limit
    ├── UnsupportedMediaType (415) a request body of a type we do not read
    ├── ImportUnavailable (502)   an import file or URL that cannot be read at all
    ├── StoreError (503)          the store is missing, down, or cannot be opened
    └── QueryTimeout (504)        a query ran out of time and was stopped
"""

from __future__ import annotations

from dataclasses import dataclass


class StewardGraphError(Exception):
    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with every field, whatever the subclass's constructor takes, so that an error
        crosses a process boundary intact (a query worker's error reaches the client as raised)."""
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[StewardGraphError], args: tuple[object, ...], fields: dict[str, object]) -> StewardGraphError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(fields)
    return error


@dataclass(frozen=True)
class Problem:
    """One problem in curated input, located by file, record and field."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InputError(StewardGraphError):
    status = 400

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problems = [problem]


class ValidationFailed(InputError):
    def __init__(self, problems: list[Problem]) -> None:
        StewardGraphError.__init__(
            self,
            f"{len(problems)} problem(s) in the input:\n" + "\n".join(f"  {p}" for p in problems),
        )
        self.problems = problems


class ParameterError(StewardGraphError):
    status = 400

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter '{parameter}': {message}")
        self.parameter = parameter


class QuerySyntaxError(StewardGraphError):
    status = 400

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class QueryRefused(StewardGraphError):
    status = 400


class TooLarge(StewardGraphError):
    status = 413


class Forbidden(StewardGraphError):
    status = 403


class Busy(StewardGraphError):
    status = 409


class NotAcceptable(StewardGraphError):
    status = 406


class UnsupportedMediaType(StewardGraphError):
    status = 415


class QueryTimeout(StewardGraphError):
    status = 504


class ImportRefused(StewardGraphError):
    status = 400


class ImportUnavailable(StewardGraphError):
    status = 502


class NotFound(StewardGraphError):
    status = 404


class StoreError(StewardGraphError):
    status = 503
