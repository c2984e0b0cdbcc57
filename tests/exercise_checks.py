"""What every notebook's exercise catalogue must pass (tests/test_exercises_*.py).

``CatalogueSuite`` holds the tests that are the same for every notebook: a test module
subclasses it as ``TestCatalogue``, names its ``EXERCISES`` and what differs, and keeps
only the tests about its own exercises' content. Those use the helpers below, each of
which asserts one property of one spec from ``helpers.exercises``.
"""

import copy

import numpy as np
import pytest

from helpers.exercises import ChoiceExercise, CodeExercise, NumberExercise

KINDS = {"predict", "compute", "code"}

# What people type into a number field that is not one number (each must be "invalid").
NONSENSE_NUMBERS = ["three", "four", "seven", "zero", "nan", "inf", "1 2", "1, 2", "[7]", "[0.3]", "7/0", "3/0",
                    "x = 7", "w = 0", [1.0, 2.0], True]
# What may reach a choice exercise that is not one of its options (each must be "invalid").
NONSENSE_CHOICES = [7, 9, -1, 1.5, "maybe", "banana", True]


def verdict(result, status, *words):
    """The verdict ``result`` has ``status``, and its message contains each of ``words``."""
    assert result.status == status and all(word in result.message for word in words), result.message


def not_answered(spec):
    """Empty input (nothing typed, blanks, nothing picked) is "not answered yet", never wrong."""
    for empty in ("", "   ", None):
        verdict(spec.check(empty), "unanswered", "Not answered yet")


def right_index(spec, right_words) -> int:
    """The right choice, found from the question's content rather than read off ``spec.answer``: the one
    label that contains ``right_words[spec.key]``."""
    matches = [i for i, label in enumerate(spec.labels) if right_words[spec.key] in label]
    assert len(matches) == 1, (spec.key, spec.labels)
    return matches[0]


def caught(spec, function, case, words=""):
    """The wrong ``function`` fails ``spec`` on the case labelled ``case``, with ``words`` in the message."""
    result = spec.check(function)
    assert result.status == "wrong"
    assert case in result.message and words in result.message, result.message
    return result


class WrongFunctions(list):
    """A code exercise's wrong functions, each with what its verdict must name: put
    ``@WRONG.catches(case, words)`` above each, and parametrize a test with ``WRONG``."""

    def catches(self, case, words=""):
        def register(function):
            self.append(pytest.param(function, case, words, id=function.__name__))
            return function
        return register


def code_nonsense(spec):
    """Not a function, unwritten, raising, returning nothing, text, the wrong shape or nan: each gets a
    clear verdict, never a traceback."""
    def template(*args):
        raise NotImplementedError("write this function")

    def raises(*args):
        raise ZeroDivisionError("oops")

    name = spec.function_name
    verdict(spec.check(None), "unanswered", "Not answered yet")
    verdict(spec.check(template), "unanswered", "Not answered yet", "NotImplementedError")
    for not_a_function in (42, 3.0, f"def {name}"):
        verdict(spec.check(not_a_function), "invalid", "not a function")
    verdict(spec.check(raises), "wrong", "ZeroDivisionError: oops", "Case 1", name)
    verdict(spec.check(lambda *args: 1 / 0), "wrong", "ZeroDivisionError", "Case 1")
    verdict(spec.check(lambda *args: None), "wrong", "return")
    for text in ("3.0", "seven"):
        verdict(spec.check(lambda *args, text=text: text), "wrong", "not a number")
    shape = np.shape(spec.reference(*copy.deepcopy(spec.cases[0].args)))     # what case 1 expects
    other_shape = np.array([1.0, 2.0]) if shape != (2,) else np.array([1.0, 2.0, 3.0])
    verdict(spec.check(lambda *args: other_shape), "wrong", "shape")
    nan = float("nan") if shape == () else np.full(shape, np.nan)
    verdict(spec.check(lambda *args: nan), "wrong", "differ")


class CatalogueSuite:
    """The tests every notebook's catalogue passes; subclass it as ``TestCatalogue`` and set:

    ``exercises`` the notebook's ``EXERCISES``; ``prefix`` what every key starts with;
    ``mistake_format`` how a catalogued mistake is typed besides its repr (rounded, as people type);
    ``right_words`` ``{key: words only the right choice's label has}``, or None to take
    ``spec.answer`` as the right choice (the module then checks it by content).
    """

    exercises = ()
    prefix = ""
    mistake_format = "{!r}"
    right_words = None

    def pytest_generate_tests(self, metafunc):
        """Parametrize ``number``, ``choice`` and ``code`` over the catalogue's exercises of that kind."""
        for name, kind in (("number", NumberExercise), ("choice", ChoiceExercise), ("code", CodeExercise)):
            if name in metafunc.fixturenames:
                metafunc.parametrize(name, [s for s in self.exercises if isinstance(s, kind)], ids=lambda s: s.key)

    def right(self, spec) -> int:
        return spec.answer if self.right_words is None else right_index(spec, self.right_words)

    def test_catalogue_has_every_kind_unique_keys_and_solutions(self):
        assert {spec.kind for spec in self.exercises} == KINDS
        keys = [spec.key for spec in self.exercises]
        assert len(set(keys)) == len(keys) >= 5
        assert all(key.startswith(self.prefix) for key in keys), keys
        for spec in self.exercises:
            assert spec.solution, f"{spec.key} has no worked solution"

    def test_the_answer_is_accepted_as_people_type_it(self, number):
        for typed in (f"{number.answer:g}", f"  {number.answer:g} ", number.answer):
            verdict(number.check(typed), "right", number.why)
        assert number.check(str(number.answer + 1000)).status == "wrong"

    def test_each_catalogued_mistake_gets_its_own_hint(self, number):
        assert len(number.mistakes) >= 2
        for form in dict.fromkeys(("{!r}", self.mistake_format)):
            hints = set()
            for mistake in number.mistakes:
                result = number.check(form.format(mistake.value))
                assert result.status == "wrong", (number.key, mistake)
                assert mistake.hint in result.message
                hints.add(mistake.hint)
            assert len(hints) == len(number.mistakes)

    @pytest.mark.parametrize("nonsense", NONSENSE_NUMBERS)
    def test_number_nonsense_gets_a_clear_message(self, number, nonsense):
        verdict(number.check(nonsense), "invalid", "number")

    def test_empty_number_is_not_answered_yet(self, number):
        not_answered(number)

    def test_no_choice_is_not_answered_yet(self, choice):
        not_answered(choice)

    def test_the_right_choice_is_accepted_with_why(self, choice):
        right = self.right(choice)
        verdict(choice.check(right), "right", choice.why)
        assert choice.check(choice.labels[right]).right

    def test_every_wrong_choice_names_its_own_misconception(self, choice):
        right, seen = self.right(choice), set()
        for i, option in enumerate(choice.choices):
            if i != right:
                assert len(option.feedback) > 40
                verdict(choice.check(i), "wrong", option.feedback)
                seen.add(option.feedback)
        assert len(seen) == len(choice.choices) - 1
        assert choice.check(len(choice.choices)).status == "invalid"

    @pytest.mark.parametrize("nonsense", NONSENSE_CHOICES)
    def test_choice_nonsense_gets_a_clear_message(self, choice, nonsense):
        verdict(choice.check(nonsense), "invalid", "option")

    def test_code_nonsense_gets_a_clear_message(self, code):
        code_nonsense(code)
