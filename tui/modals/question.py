"""Block 3: one question of the questionnaire and the candidate's answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from tui.modals.form import FormModal, required_text
from tui.operator import author_of


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

    def fields(self) -> ComposeResult:
        yield from self.field("Question posée", Input(self.question, id="question"))
        yield from self.field("Réponse du candidat", Input(self.answer, id="answer"))

    async def submit(self) -> bool | None:
        question = required_text(
            self.query_one("#question", Input).value, "question", "La question"
        )
        answer = self.query_one("#answer", Input).value.strip()
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
