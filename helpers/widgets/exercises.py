"""Exercise widgets with a **Check** button, and the scoreboard (every notebook, from 01_norm).

``exercise_widget(spec, board)`` turns a spec from ``helpers.exercises`` into a
widget: the prompt, an answer field (options to pick, a number to type, or the
learner's own function in the cell above), a **Check** button, the feedback
under it, and a worked solution hidden until asked for. What counts as right and
what each wrong answer means is decided by ``spec.check`` (math layer); this
module only reads the input and shows the verdict. ``Scoreboard`` counts the
exercises checked right so far; each notebook shows it at the end.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from helpers.exercises import (
    INVALID,
    NOT_ANSWERED,
    RIGHT,
    UNANSWERED,
    ChoiceExercise,
    CodeExercise,
    NumberExercise,
    Verdict,
)
from helpers.widgets import CourseWidget, MessageArea

KIND_LABEL = {"predict": "Predict", "compute": "Compute by hand", "code": "Write the code"}
_STATUS_STYLE = {
    RIGHT: ("course-right", "#1a7f37", "✓ "),
    "wrong": ("course-wrong", "#b00020", "✗ "),
    UNANSWERED: ("course-unanswered", "#555555", ""),
    INVALID: ("course-invalid", "#8a5a00", "? "),
}


class Scoreboard:
    """How many of a notebook's exercises have been checked right so far (shown at its end)."""

    def __init__(self, title: str):
        self.title = title
        self.specs: dict[str, object] = {}
        self.status: dict[str, str] = {}
        self.ever_right: set[str] = set()
        self.widget = widgets.HTML()
        self.widget.add_class("course-scoreboard")
        self._render()

    def register(self, spec) -> None:
        if spec.key in self.specs and self.specs[spec.key] is not spec:
            raise ValueError(f"two exercises share the key {spec.key!r} on the scoreboard {self.title!r}")
        self.specs[spec.key] = spec
        self.status.setdefault(spec.key, UNANSWERED)
        self._render()

    def record(self, key: str, verdict: Verdict) -> None:
        if key not in self.specs:
            raise ValueError(f"exercise {key!r} is not on the scoreboard {self.title!r}")
        self.status[key] = verdict.status
        if verdict.right:
            self.ever_right.add(key)
        self._render()

    @property
    def right(self) -> int:
        return len(self.ever_right)

    @property
    def total(self) -> int:
        return len(self.specs)

    @property
    def summary(self) -> str:
        return f"{self.title}: {self.right} of {self.total} exercises checked right so far."

    def _render(self) -> None:
        rows = []
        for key, spec in self.specs.items():
            mark = "✓" if key in self.ever_right else ("✗" if self.status[key] == "wrong" else "·")
            rows.append(f"<li>{mark} {html.escape(KIND_LABEL.get(spec.kind, spec.kind))}: "
                        f"<code>{html.escape(key)}</code></li>")
        self.widget.value = (f'<div class="course-score"><b>{html.escape(self.summary)}</b>'
                             f'<ul style="margin:2px 0 0 0">{"".join(rows)}</ul></div>')

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        bundle["text/plain"] = self.summary
        bundle["text/html"] = self.widget.value
        return bundle


class ExerciseWidget(CourseWidget):
    """One exercise: prompt, answer field, **Check**, feedback, hidden worked solution.

    Attributes (besides CourseWidget's): ``spec`` (the math-layer exercise), ``board``
    (its Scoreboard or None), ``answer`` (the input widget, None for code exercises),
    ``check_button``, ``feedback`` (HTMLMath), ``solution_toggle`` and ``solution``,
    ``verdict`` (the last Verdict, None before the first Check), ``namespace`` (where a
    code exercise looks up the learner's function; the notebook's by default).
    """

    spec: object
    board: Scoreboard | None
    answer: widgets.Widget | None
    check_button: widgets.Button
    feedback: widgets.HTMLMath
    solution_toggle: widgets.ToggleButton
    solution: widgets.HTMLMath
    verdict: Verdict | None

    def __init__(self, spec, board: Scoreboard | None = None, *, on_answer=None, namespace=None):
        if not isinstance(spec, (ChoiceExercise, NumberExercise, CodeExercise)):
            raise ValueError(f"spec must be a ChoiceExercise, NumberExercise or CodeExercise; got {spec!r}")
        self.spec, self.board, self.on_answer, self.namespace = spec, board, on_answer, namespace
        self.verdict = None
        messages = MessageArea()
        title = widgets.HTML(f'<b>{html.escape(KIND_LABEL[spec.kind])}</b> '
                             f'<span style="color:#777">({html.escape(spec.key)})</span>')
        prompt = widgets.HTMLMath(spec.prompt)
        prompt.add_class("course-prompt")
        if isinstance(spec, ChoiceExercise):
            self.answer = widgets.RadioButtons(options=spec.labels, value=None,
                                               layout=widgets.Layout(width="max-content", max_width="100%"))
        elif isinstance(spec, NumberExercise):
            self.answer = widgets.Text(placeholder="type a number", continuous_update=True,
                                       layout=widgets.Layout(width="160px"))
        else:
            self.answer = None
        self.check_button = widgets.Button(description="Check", button_style="primary",
                                           layout=widgets.Layout(width="90px"))
        self.check_button.add_class("course-check")
        self.feedback = widgets.HTMLMath()
        self.feedback.add_class("course-feedback")
        self.solution_toggle = widgets.ToggleButton(value=False, description="Show solution",
                                                    layout=widgets.Layout(width="130px"))
        self.solution_toggle.add_class("course-solution-toggle")
        self.solution = widgets.HTMLMath(spec.solution or "Ask your teacher: this exercise has no written "
                                         "solution.", layout=widgets.Layout(display="none"))
        self.solution.add_class("course-solution")
        self._show(Verdict(UNANSWERED, NOT_ANSWERED))
        controls = {"check": self.check_button, "solution": self.solution_toggle}
        row = [self.check_button, self.solution_toggle]
        if self.answer is not None:
            self.answer.add_class("course-answer")
            controls["answer"] = self.answer
            row.insert(0, self.answer)
        body = widgets.VBox([title, prompt, widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap")),
                             self.feedback, self.solution],
                            layout=widgets.Layout(border="1px solid #ccc", padding="6px 10px", margin="6px 0"))
        super().__init__(body, controls=controls, readout=self.feedback, messages=messages)
        self.layout.add_class("course-exercise")
        self.layout.add_class(f"course-exercise-{spec.key}")
        self.check_button.on_click(messages.guard(lambda _button: self.check()))
        self.solution_toggle.observe(messages.guard(self._toggle_solution), names="value")
        if board is not None:
            board.register(spec)

    def redraw(self) -> None:
        self._show(self.verdict or Verdict(UNANSWERED, NOT_ANSWERED))

    @property
    def state(self) -> dict:
        return {"answer": None if self.answer is None else self.answer.value,
                "status": self.verdict.status if self.verdict else UNANSWERED,
                "feedback": self.verdict.message if self.verdict else NOT_ANSWERED,
                "solution_shown": self.solution_toggle.value}

    def check(self) -> Verdict:
        """What a click on **Check** does: read the answer, ask the spec, show and record the verdict."""
        verdict = self.spec.check(self._read())
        self.verdict = verdict
        self._show(verdict)
        if self.board is not None:
            self.board.record(self.spec.key, verdict)
        if verdict.status in (RIGHT, "wrong") and self.on_answer is not None:
            self.on_answer(verdict)  # predict, then reveal: set the widget to the case in question
        return verdict

    def _read(self):
        if isinstance(self.spec, CodeExercise):
            namespace = self.namespace if self.namespace is not None else _notebook_namespace()
            return namespace.get(self.spec.function_name)
        if isinstance(self.spec, ChoiceExercise):
            return None if self.answer.value is None else self.spec.labels.index(self.answer.value)
        return self.answer.value

    def _show(self, verdict: Verdict) -> None:
        css, color, mark = _STATUS_STYLE[verdict.status]
        self.feedback.value = (f'<div class="{css}" style="color:{color}">{mark}'
                               f"{html.escape(verdict.message)}</div>")

    def _toggle_solution(self, change) -> None:
        self.solution.layout.display = "block" if change["new"] else "none"
        self.solution_toggle.description = "Hide solution" if change["new"] else "Show solution"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        options = ""
        if isinstance(self.spec, ChoiceExercise):
            options = "<ol type='a'>" + "".join(f"<li>{html.escape(c)}</li>" for c in self.spec.labels) + "</ol>"
        # Frontends without widgets (handouts, GitHub) show the question, never an empty box.
        bundle["text/html"] = (f'<div class="course-exercise-static"><b>{KIND_LABEL[self.spec.kind]}</b> '
                               f"({html.escape(self.spec.key)}): {self.spec.prompt}{options}"
                               "<p><i>Answer it with the Check button in the live notebook.</i></p></div>")
        bundle["text/plain"] = f"{KIND_LABEL[self.spec.kind]} ({self.spec.key}): press Check in the live notebook"
        return bundle


def exercise_widget(spec, board: Scoreboard | None = None, *, on_answer=None, namespace=None) -> ExerciseWidget:
    """The Check-button widget for ``spec`` (a ChoiceExercise, NumberExercise or CodeExercise).

    ``on_answer(verdict)`` runs after every answered Check (right or wrong): use it to
    reveal, e.g. ``on_answer=lambda v: explorer.apply_scene("...")``. A code exercise
    looks ``spec.function_name`` up in ``namespace`` (default: the notebook's variables).
    """
    return ExerciseWidget(spec, board, on_answer=on_answer, namespace=namespace)


def _notebook_namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}
