"""Block 3: one question of the questionnaire and the candidate's answer.

Both are several lines (a question often has parts, an answer is taken down as spoken):
« entrée » starts a new line and ctrl+s records. A tab pasted from another document is kept as
a space (an Input dropped it and glued the words on either side). An empty answer is recorded
only once the evaluator validates again: a question left unanswered is a fact worth keeping,
but a slip of ctrl+s is not.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import TextArea

from tui.modals.form import FieldError, FormModal, required_text
from tui.operator import author_of

EMPTY_ANSWER = (
    "La réponse est vide. Validez de nouveau (ctrl+s) pour enregistrer la question sans "
    "réponse, ou saisissez la réponse du candidat."
)


class QuestionForm(FormModal[bool | None]):
    def __init__(
        self, candidate: str, grid: str, index: int, question: str = "", answer: str = ""
    ) -> None:
        super().__init__()
        self.candidate = candidate
        self.grid = grid
        self.index = index
        self.question = question
        self.answer = answer
        self.heading = f"Questionnaire — question {index}"
        self._empty_confirmed = False  # an empty answer, validated twice

    def fields(self) -> ComposeResult:
        yield from self.field("Question posée", TextArea(self.question, id="question"))
        yield from self.field("Réponse du candidat", TextArea(self.answer, id="answer"))

    def _text(self, field: str) -> str:
        return self.query_one(f"#{field}", TextArea).text.replace("\t", " ").strip()

    async def submit(self) -> bool | None:
        question = required_text(self._text("question"), "question", "La question")
        answer = self._text("answer")
        if not answer and not self._empty_confirmed:
            self._empty_confirmed = True
            raise FieldError("answer", EMPTY_ANSWER)
        await self.store(
            lambda s: s.grid_event(
                self.candidate,
                self.grid,
                "question.recorded",
                author_of(self.app),
                index=self.index,
                question=question,
                answer=answer,
            )
        )
        return True
