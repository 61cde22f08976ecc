"""The exception tree of zk-toolchain; the CLI maps each family to an exit code.

    ZktError                         anything this package raises on purpose
    ├── UsageError          (2)      a command used wrongly: unknown circuit, bad option value
    ├── ConfigError         (2)      circuits.toml / ceremony.toml invalid (message names the key)
    ├── TemplateError       (2)      unknown template, missing parameter, template syntax error
    ├── InputError          (2)      circuit input JSON: missing/extra signal, value >= r, shape
    ├── ToolError           (3)      a pinned tool is missing or is not the pinned version
    ├── CommandError        (4)      an external program failed (argv, cwd, exit code, output tail)
    ├── CompileError        (4)      circom rejected the circuit (its own file:line messages)
    ├── WitnessError        (4)      a circuit assert failed or a constraint is unsatisfied
    ├── FormatError         (5)      a file is not what it claims: magic, version, sizes, encoding
    │   ├── TruncatedFileError       the file ends before its section table says it should
    │   └── InvalidValueError        a decoded value is out of range, off curve, not in subgroup
    ├── IntegrityError      (6)      a hash, size or provenance link does not match
    └── VerificationError   (1)      a proof or a contribution was checked and rejected

Foreign exceptions are translated once, where they enter (`raise X(msg) from exc`).
An error may carry a stable `code` (`raise VerificationError(msg, code="wrong_circuit")`): the
coordinator answers it as the rejection code of an upload; the message stays for people.
"""

from __future__ import annotations


class ZktError(Exception):
    """Base of every error zk-toolchain raises on purpose; `code` is a stable name, or None."""

    exit_code = 1

    def __init__(self, *args: object, code: str | None = None) -> None:
        super().__init__(*args)
        self.code = code

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled across process pools: attributes (the keyword-only code) travel too.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[ZktError], args: tuple[object, ...], state: dict[str, object]) -> ZktError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class UsageError(ZktError):
    """A command was used wrongly (unknown circuit name, incompatible options)."""

    exit_code = 2


class ConfigError(ZktError):
    """A configuration file is missing or invalid; the message names the file and key."""

    exit_code = 2


class TemplateError(ZktError):
    """A circuit template is unknown, fails to parse, or needs a parameter not given."""

    exit_code = 2


class InputError(ZktError):
    """Circuit input JSON does not fit the circuit's signals."""

    exit_code = 2


class ToolError(ZktError):
    """A pinned external tool is missing or not at its pinned version."""

    exit_code = 3


class CommandError(ZktError):
    """An external program exited non-zero; carries argv, cwd, exit code and output tail."""

    exit_code = 4

    def __init__(self, argv: list[str], cwd: str, returncode: int, output_tail: str) -> None:
        self.argv = argv
        self.cwd = cwd
        self.returncode = returncode
        self.output_tail = output_tail
        program = argv[0] if argv else "?"
        super().__init__(
            f"{program} exited with code {returncode} (cwd {cwd})\n"
            f"  argv: {' '.join(argv)}\n{output_tail}"
        )


class CompileError(ZktError):
    """circom rejected a circuit; the message keeps circom's own file:line report."""

    exit_code = 4


class WitnessError(ZktError):
    """Witness generation failed: an assert in the circuit or an unsatisfied constraint."""

    exit_code = 4


class FormatError(ZktError):
    """A file does not have the structure its format requires."""

    exit_code = 5


class TruncatedFileError(FormatError):
    """A file ends before its header or section table says it should."""


class InvalidValueError(FormatError):
    """A decoded value is out of range (>= modulus), off its curve, or outside the subgroup."""


class IntegrityError(ZktError):
    """A hash, size or provenance link does not match what was recorded."""

    exit_code = 6


class VerificationError(ZktError):
    """A proof or ceremony contribution was checked and rejected."""

    exit_code = 1
