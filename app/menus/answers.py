"""Choice answers as templates show them: the option's label in the caller's language.

In a label, `{{ crop }}` of a choice question prints "Mahindi" for a Swahili caller while
`crop == 'maize'` still compares the stored value, and `{{ crop.value }}` prints it.
Conditions and stored answers never see these: only `Flow.text` builds them.
"""

from typing import Any


class LabelledAnswer(str):
    """One option: equal to (and hashing as) its value, printed as its label."""

    value: str
    label: str

    def __new__(cls, value: Any, label: str) -> "LabelledAnswer":
        answer = super().__new__(cls, value)
        answer.value, answer.label = str(value), label
        return answer

    def __str__(self) -> str:
        return self.label


class LabelledList(list):
    """Several options (`multi_choice`): iterates its LabelledAnswers, prints their labels
    joined with ", "; `.value` is the stored list."""

    value: list

    def __str__(self) -> str:
        return ", ".join(str(answer) for answer in self)


def labelled_answer(question: Any, answer: Any, language: str, context: dict) -> Any:
    """`answer` of the choice `question` (a compiled Question) as templates show it; an
    answer that is not one of its options (or None) is returned as it is."""
    if isinstance(answer, list):
        shown = LabelledList(labelled_answer(question, item, language, context) for item in answer)
        shown.value = list(answer)
        return shown
    if answer is None:
        return None
    for choice in question.choices:
        if choice.spec.value == answer:
            template = choice.label.get(language) or choice.label.get(question.flow.languages[0])
            return LabelledAnswer(answer, template.render(context) if template else str(answer))
    return answer
