"""What counts as a right answer, and what each common wrong answer means (every notebook).

Math layer: no widgets. Three kinds of exercise, each with ``check(answer) -> Verdict``:

- :class:`ChoiceExercise` (predict, then reveal): one right choice; every wrong
  choice carries feedback that names the misconception behind it;
- :class:`NumberExercise` (compute by hand, or predict a number): right within a
  stated tolerance; catalogued :class:`Mistake` values (forgot to divide by n,
  gave the norm where its square was asked, ...) get their own hint;
- :class:`CodeExercise` (write the code): the learner's function is run on
  :class:`Case` inputs chosen to catch mistakes (zeros, ties, sign(0), huge values,
  other lengths) against the course's own function; the first failing case is
  reported with its input, the expected value and the value returned. Two variants:
  :class:`ListAwareCodeExercise` (a function that fails on a plain list is told
  about lists) and :class:`CodeExerciseWithErrors` (``must_raise`` cases the
  function has to refuse with ValueError).

Nothing the learner types or writes raises: empty input is "not answered yet",
nonsense gets a message that says what was expected. The catalogues of the five
notebooks live in ``helpers.exercises.<notebook>`` (``norm``, ``loss``,
``outliers``, ``weight_decay``, ``sparsity``); the Check-button widgets in
``helpers.widgets.exercises``.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

RIGHT, WRONG, UNANSWERED, INVALID = "right", "wrong", "unanswered", "invalid"
NOT_ANSWERED = "Not answered yet."


@dataclass(frozen=True)
class Verdict:
    """The result of one Check: ``status`` is right, wrong, unanswered or invalid."""

    status: str
    message: str

    def __post_init__(self):
        if self.status not in (RIGHT, WRONG, UNANSWERED, INVALID):
            raise ValueError(f"status must be one of right, wrong, unanswered, invalid; got {self.status!r}")

    @property
    def right(self) -> bool:
        return self.status == RIGHT


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: the number it gives, and a hint naming the misconception."""

    value: float
    hint: str


@dataclass(frozen=True)
class Choice:
    """One option of a :class:`ChoiceExercise` and the feedback shown when it is picked."""

    label: str
    feedback: str


@dataclass(frozen=True)
class Case:
    """One input for a :class:`CodeExercise`: ``args`` for the function, a ``label`` naming
    what the case tests (\"sign(0)\", \"a zero vector\"), and a ``hint`` for when it fails."""

    args: tuple
    label: str
    hint: str = ""


def vector(*values) -> np.ndarray:
    """A case's vector: a float64 numpy array, as the learner's function will usually get."""
    return np.array(values, dtype=float)


def _need_text(value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string; got {value!r}")
    return value


@dataclass(frozen=True)
class Exercise:
    """What every kind of exercise has: a ``key`` that names it and the ``prompt`` it shows."""

    key: str
    prompt: str

    def __post_init__(self):
        _need_text(self.key, "key")
        _need_text(self.prompt, "prompt")


@dataclass(frozen=True)
class ChoiceExercise(Exercise):
    """Predict, then reveal: pick one of ``choices``; ``answer`` is the index of the right one."""

    choices: tuple[Choice, ...]
    answer: int
    why: str
    solution: str = ""
    kind: str = "predict"

    def __post_init__(self):
        super().__post_init__()
        if len(self.choices) < 2:
            raise ValueError(f"{self.key}: a choice exercise needs at least 2 choices; got {len(self.choices)}")
        if not (isinstance(self.answer, int) and 0 <= self.answer < len(self.choices)):
            raise ValueError(f"{self.key}: answer must index a choice (0..{len(self.choices) - 1}); "
                             f"got {self.answer!r}")

    @property
    def labels(self) -> list[str]:
        return [choice.label for choice in self.choices]

    def check(self, answer) -> Verdict:
        """``answer``: the index of the chosen option, or its label; None means not answered."""
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return Verdict(UNANSWERED, f"{NOT_ANSWERED} Pick one option, then press Check.")
        if isinstance(answer, str):
            if answer not in self.labels:
                return Verdict(INVALID, f"{answer!r} is not one of the options: {self.labels}.")
            answer = self.labels.index(answer)
        if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)) \
                or not 0 <= answer < len(self.choices):
            return Verdict(INVALID, f"Pick one of the {len(self.choices)} options (got {answer!r}).")
        choice = self.choices[int(answer)]
        if answer == self.answer:
            return Verdict(RIGHT, f"Right: {choice.label}. {self.why}")
        return Verdict(WRONG, f"Not this one: {choice.label}. {choice.feedback}")


def parse_number(text) -> float:
    """Read a typed number: '0.25', ' -3 ', '1e-3', '2/3', '−1' (Unicode minus), '0,5'.

    Raises ValueError with what was expected when ``text`` is not one number.
    """
    if isinstance(text, bool):
        raise ValueError(f"type a number, not {text!r}")
    if isinstance(text, (int, float, np.integer, np.floating)):
        value = float(text)
    else:
        if not isinstance(text, str):
            raise ValueError(f"type one number (such as 2.5 or 1/4); got a {type(text).__name__}")
        cleaned = text.strip().replace("\u2212", "-")
        if re.fullmatch(r"[-+]?\d+,\d+", cleaned):
            cleaned = cleaned.replace(",", ".")
        try:
            if re.fullmatch(r"[-+]?\d+/\d+", cleaned):
                value = float(Fraction(cleaned))
            else:
                value = float(cleaned)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"I could not read {text.strip()!r} as a number; type one number "
                             "such as 2.5, -0.3, 1e-3 or 1/4") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number; type an ordinary number such as 2.5")
    return value


@dataclass(frozen=True)
class NumberExercise(Exercise):
    """Compute by hand (or predict a number): right when within ``tol`` of ``answer``."""

    answer: float
    tol: float
    why: str
    mistakes: tuple[Mistake, ...] = ()
    solution: str = ""
    kind: str = "compute"
    hint: str = "Work it out step by step from the definition; the worked solution is one click away."

    def __post_init__(self):
        super().__post_init__()
        if not (math.isfinite(self.answer) and self.tol > 0):
            raise ValueError(f"{self.key}: answer must be finite and tol > 0; got {self.answer}, {self.tol}")
        for mistake in self.mistakes:
            if abs(mistake.value - self.answer) <= self.tol:
                raise ValueError(f"{self.key}: the mistake {mistake.value} is within tol of the answer "
                                 f"{self.answer}; the check could not tell them apart")
        if self.kind not in ("compute", "predict"):
            raise ValueError(f"{self.key}: kind must be 'compute' or 'predict'; got {self.kind!r}")

    def check(self, answer) -> Verdict:
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return Verdict(UNANSWERED, f"{NOT_ANSWERED} Type a number, then press Check.")
        try:
            value = parse_number(answer)
        except ValueError as error:
            return Verdict(INVALID, str(error)[:1].upper() + str(error)[1:] + ".")
        if abs(value - self.answer) <= self.tol:
            return Verdict(RIGHT, f"Right: {self.answer:.6g} (answers within ±{self.tol:g} count). {self.why}")
        for mistake in self.mistakes:
            if abs(value - mistake.value) <= self.tol:
                return Verdict(WRONG, f"Not quite: {value:.6g}. {mistake.hint}")
        return Verdict(WRONG, f"Not quite: {value:.6g} is not within ±{self.tol:g} of the answer. {self.hint}")


@dataclass(frozen=True)
class CodeExercise(Exercise):
    """Write the code: the learner's ``function_name`` must agree with ``reference`` on every case."""

    function_name: str
    reference: Callable
    cases: tuple[Case, ...]
    solution: str
    why: str = ""
    rtol: float = 1e-9
    atol: float = 1e-12
    kind: str = field(default="code", init=False)

    def __post_init__(self):
        super().__post_init__()
        if not self.function_name.isidentifier():
            raise ValueError(f"{self.key}: function_name must be a Python name; got {self.function_name!r}")
        if not self.cases:
            raise ValueError(f"{self.key}: a code exercise needs at least one case")
        for case in self.cases:  # the reference itself must handle every case
            self.reference(*copy.deepcopy(case.args))

    def check(self, function) -> Verdict:
        name = self.function_name
        if function is None:
            return Verdict(UNANSWERED, f"{NOT_ANSWERED} Write `def {name}(...)` in the cell above, "
                                       "run that cell, then press Check.")
        if not callable(function):
            return Verdict(INVALID, f"`{name}` is a {type(function).__name__}, not a function: "
                                    f"define it with `def {name}(...):` and run the cell.")
        for number, case in enumerate(self.cases, start=1):
            args = copy.deepcopy(case.args)
            intro = _case_intro(number, case, name, _show_args(case.args))
            expected = self.reference(*copy.deepcopy(case.args))
            try:
                got = _call(function, args)
            except NotImplementedError:
                return Verdict(UNANSWERED, f"{NOT_ANSWERED} `{name}` still raises NotImplementedError: "
                                           "replace that line with your code and run the cell.")
            except Exception as error:  # the learner's code: report it, never raise
                return _raised(intro, error, expected, case.hint)
            if got is None:
                return Verdict(WRONG, f"{intro} returned None: did you forget `return`?")
            problem = self._compare(got, expected)
            if problem:
                return Verdict(WRONG, f"{intro} returned {_show(got)}; "
                                      f"expected {_show(expected)}. {problem} {case.hint}".strip())
            if not _same_args(args, case.args):
                return Verdict(WRONG, f"{intro} changed its input "
                                      "in place; work on a copy (the caller's data must stay as it was).")
        return Verdict(RIGHT, f"Right: `{name}` agrees with the course's function on all "
                              f"{len(self.cases)} cases. {self.why}".strip())

    def _compare(self, got, expected) -> str:
        if isinstance(got, (str, bytes, dict, set)):
            return f"A {type(got).__name__} is not a number or an array of numbers."
        try:
            got_array = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"A {type(got).__name__} is not a number or an array of numbers."
        expected_array = np.asarray(expected, dtype=float)
        if got_array.shape != expected_array.shape:
            return f"The shape is {got_array.shape or 'a single number'}, expected " \
                   f"{expected_array.shape or 'a single number'}."
        if not np.allclose(got_array, expected_array, rtol=self.rtol, atol=self.atol, equal_nan=True):
            return "The values differ."
        return ""


LIST_HINT = ("A plain list has no .sum(), and abs() or ** do not work on it: convert first with "
             "np.asarray(x, dtype=float), or use np.abs / np.sum, which accept lists.")


@dataclass(frozen=True)
class ListAwareCodeExercise(CodeExercise):
    """A code exercise whose cases pass plain lists: the hint follows the error, not the case.

    If the first case the learner's function fails is a case with a list argument, and the function
    raised TypeError or AttributeError there, the learner gets ``list_hint`` (convert with
    np.asarray) instead of that case's own hint, which is about something else.
    """

    list_hint: str = LIST_HINT

    def check(self, function) -> Verdict:
        verdict = super().check(function)
        if verdict.status != WRONG or not callable(function):
            return verdict
        for number, case in enumerate(self.cases, start=1):
            expected = self.reference(*copy.deepcopy(case.args))
            try:
                got = _call(function, copy.deepcopy(case.args))
            except (TypeError, AttributeError) as error:
                if not any(isinstance(arg, list) for arg in case.args):
                    return verdict
                intro = _case_intro(number, case, self.function_name, _show_args(case.args))
                return _raised(intro, error, expected, self.list_hint)
            except Exception:
                return verdict
            if got is None or self._compare(got, expected):
                return verdict
        return verdict


@dataclass(frozen=True)
class CodeExerciseWithErrors(CodeExercise):
    """A code exercise whose function must also refuse inputs that make no sense.

    ``must_raise`` cases are checked after every ordinary case passes: the learner's
    function must raise ValueError on each (a prediction vector and a target vector of
    different lengths have no difference vector; numpy would silently broadcast a
    one-element target against every prediction).
    """

    must_raise: tuple[Case, ...] = ()

    def __post_init__(self):
        super().__post_init__()
        for case in self.must_raise:
            try:
                self.reference(*copy.deepcopy(case.args))
            except ValueError:
                continue
            raise ValueError(f"{self.key}: the reference does not raise ValueError on {case.label!r}")

    def check(self, function) -> Verdict:
        verdict = super().check(function)
        if verdict.status != RIGHT:
            return verdict
        name = self.function_name
        for number, case in enumerate(self.must_raise, start=len(self.cases) + 1):
            intro = _case_intro(number, case, name, ", ".join(_show_plain(a) for a in case.args))
            try:
                got = _call(function, copy.deepcopy(case.args))
            except ValueError:
                continue
            except Exception as error:  # the learner's code: report it, never raise
                return Verdict(WRONG, f"{intro} raised "
                                      f"{type(error).__name__}: {error}; expected a ValueError. {case.hint}".strip())
            return Verdict(WRONG, f"{intro} returned {_show_plain(got)}; "
                                  f"expected a ValueError. {case.hint}".strip())
        total = len(self.cases) + len(self.must_raise)
        return Verdict(RIGHT, f"Right: `{name}` agrees with the course's function on all {total} cases, "
                              f"including the {len(self.must_raise)} it must refuse. {self.why}".strip())


def _call(function, args):
    """The learner's ``function`` on ``args``, numpy's warnings silenced (a check reports, it does not warn)."""
    with np.errstate(all="ignore"):
        return function(*args)


def _case_intro(number: int, case: Case, name: str, shown: str) -> str:
    """How every verdict about one case begins: "Case 2 (zeros): f(...)"."""
    return f"Case {number} ({case.label}): {name}({shown})"


def _raised(intro: str, error: Exception, expected, hint: str) -> Verdict:
    """The verdict when the learner's function raised on a case where it should have returned ``expected``."""
    return Verdict(WRONG, f"{intro} raised {type(error).__name__}: {error}. Expected {_show(expected)}. "
                          f"{hint}".strip())


def _show_plain(value) -> str:
    """A value as must-raise verdicts show it: a list, tuple or array as numpy prints it, else its repr, uncut."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return np.array2string(np.asarray(value, dtype=float), precision=6, separator=", ", threshold=8)
    return repr(value)


def _show(value, limit: int = 80) -> str:
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, separator=", ", threshold=8)
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_args(args) -> str:
    return ", ".join(_show(a) for a in args)


def _same_args(a, b) -> bool:
    try:
        return all(np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True) for x, y in zip(a, b, strict=True))
    except (TypeError, ValueError):
        return True
